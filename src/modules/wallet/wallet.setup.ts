import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { createWalletComposer } from './wallet.bot.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { createTopupPurpose } from './wallet.purpose.ts';
import { createWalletRoutes } from './wallet.routes.ts';
import { createWalletService } from './wallet.service.ts';
import { resolveWalletSettings } from './wallet.settings.ts';
import { createWalletApi } from './wallet.api.ts';

/** Sets the wallet module up; loaded only when a deployment runs it (see wallet.module.ts). */
export function setupWallet(deps: ModuleDeps<'users' | 'audit' | 'payments'>): ModuleInstance {
  const { users, payments, audit } = deps.services;
  if (!users || !payments) throw new Error('the wallet module needs the users and payments modules');
  const settings = resolveWalletSettings(deps.config.settings.wallet, deps.env, deps.config.business.currency);
  const wallet = createWalletService({
    db: deps.database.db,
    now: deps.now,
    audit,
    users,
    notifyAdjustment: (trx, user, entry) => {
      const locale = users.localeOf(user, deps.config.business.defaultLocale);
      const text = deps.i18n.t(locale, entry.amount > 0 ? 'wallet-adjusted-credit' : 'wallet-adjusted-debit', {
        amount: Math.abs(entry.amount),
        reason: entry.reason,
        balance: entry.balance_after,
      });
      // A staff action, not a reply to the user: it goes through the outbox, once per ledger row.
      return enqueueOutbox(trx, { chatId: user.id, method: 'sendMessage', payload: { text }, priority: 'high', dedupeKey: `wallet:adjustment:${entry.id}` }, deps.now()).then(() => undefined);
    },
    events: deps.events,
  });
  payments.registerPurpose(createTopupPurpose({ wallet, settings, i18n: deps.i18n, businessName: deps.config.business.name }));
  const { composer, flows } = createWalletComposer({ wallet, payments, users, settings, config: deps.config, i18n: deps.i18n, now: deps.now });
  return {
    service: wallet,
    composer,
    flows,
    commands: [
      { command: 'balance', description: 'command-balance' },
      { command: 'buy', description: 'command-buy' },
      { command: 'pricing', description: 'command-pricing' },
      { command: 'history', description: 'command-history' },
      { command: 'adjust', description: 'command-adjust', audience: 'admin' },
      { command: 'wallet_users', description: 'command-wallet-users', audience: 'admin' },
      { command: 'transactions', description: 'command-transactions', audience: 'admin' },
      { command: 'health', description: 'command-health', audience: 'admin' },
    ],
    routes: createWalletRoutes({ wallet, timeZone: () => deps.config.business.timeZone }),
    integrationRoutes: createWalletApi({ wallet, users }),
    staffRoles: ['manager', 'accountant'],
    segments: [
      {
        name: 'wallet.balance_at_least',
        label: 'wallet-segment-balance',
        parameter: 'amount',
        userIds: (parameter) => wallet.userIdsWithBalanceAtLeast(Number(parameter ?? 1)),
      },
    ],
  };
}
