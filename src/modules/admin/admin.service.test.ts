import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testDialects } from '../../../test/support/services.ts';
import { createDatabase } from '../../db/database.ts';
import { migrate } from '../../db/migrator.ts';
import { silentLogger } from '../../observability/logger.ts';
import { discoverModules, migrationGroups } from '../registry.ts';
import { isAdminError } from './admin.errors.ts';
import { roleAllows } from '../../platform/roles.ts';
import { createAdminService, type AdminService } from './admin.service.ts';

const CLIENT = { ip: '203.0.113.7', userAgent: 'test' };
const OWNER_TG = 900;

const rejectsWith = async (promise: Promise<unknown>, code: string) =>
  assert.rejects(promise, (error: unknown) => {
    assert.ok(isAdminError(error), `expected an admin error, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });

for (const dialect of await testDialects()) {
  describe(`admin accounts and logins on ${dialect.name}`, () => {
    const withService = async (run: (admin: AdminService, clock: { now: number }) => Promise<void>) => {
      const target = await dialect.create();
      const handle = await createDatabase({ url: target.url });
      const clock = { now: 1_800_000_000_000 };
      try {
        await migrate(handle, migrationGroups(await discoverModules()));
        const admin = createAdminService({ db: handle.db, now: () => clock.now, logger: silentLogger(), ownerTelegramIds: [OWNER_TG], publicUrl: 'https://shop.example.com' });
        await run(admin, clock);
      } finally {
        await handle.close();
        await target.drop();
      }
    };

    test('an ADMIN_IDS owner gets an owner account on first contact, and a stranger gets none', async () => {
      await withService(async (admin) => {
        const owner = await admin.staffForTelegram({ id: OWNER_TG, first_name: 'Aigerim' });
        assert.equal(owner?.role, 'owner');
        assert.equal((await admin.staffForTelegram({ id: OWNER_TG, first_name: 'Aigerim' }))?.id, owner?.id);
        assert.equal(await admin.staffForTelegram({ id: 12345, first_name: 'Stranger' }), undefined);
      });
    });

    test('a one-time link logs in once and only once, and only before it expires', async () => {
      await withService(async (admin, clock) => {
        const owner = await admin.staffForTelegram({ id: OWNER_TG, first_name: 'Owner' });
        assert.ok(owner);
        const link = await admin.issueLink(owner);
        assert.match(link.url, /^https:\/\/shop\.example\.com\/admin\/link#[A-Za-z0-9_-]{43}$/);
        const token = link.url.split('#')[1] as string;
        const session = await admin.redeemLink(token, CLIENT);
        assert.equal(session.staff.role, 'owner');
        assert.ok((await admin.authenticate(session.token))?.staff.id === owner.id);
        await rejectsWith(admin.redeemLink(token, CLIENT), 'admin.link_used');

        const late = await admin.issueLink(owner);
        clock.now += admin.limits.linkTtlMs + 1;
        await rejectsWith(admin.redeemLink(late.url.split('#')[1] as string, CLIENT), 'admin.link_expired');
        await rejectsWith(admin.redeemLink('A'.repeat(43), CLIENT), 'admin.link_invalid');
      });
    });

    test('two racing redemptions of one link start exactly one session', async () => {
      await withService(async (admin) => {
        const owner = await admin.staffForTelegram({ id: OWNER_TG, first_name: 'Owner' });
        assert.ok(owner);
        const token = (await admin.issueLink(owner)).url.split('#')[1] as string;
        const results = await Promise.allSettled([admin.redeemLink(token, CLIENT), admin.redeemLink(token, CLIENT)]);
        assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
      });
    });

    test('a session ends when idle too long, when revoked, and when the account is disabled', async () => {
      await withService(async (admin, clock) => {
        const { staff: owner } = await admin.createOwner({ login: 'owner', password: 'correct horse battery' });
        const manager = await admin.createStaff({ telegramId: 555, displayName: 'Manager', role: 'manager' });
        const idle = await admin.startSession(manager.id, CLIENT);
        clock.now += admin.limits.sessionIdleMs + 1;
        assert.equal(await admin.authenticate(idle.token), undefined);

        const active = await admin.startSession(manager.id, CLIENT);
        assert.ok(await admin.authenticate(active.token));
        await admin.updateStaff(manager.id, { disabled: true });
        assert.equal(await admin.authenticate(active.token), undefined);

        const own = await admin.startSession(owner.id, CLIENT);
        const auth = await admin.authenticate(own.token);
        assert.ok(auth);
        await admin.endSession(auth.sessionId);
        assert.equal(await admin.authenticate(own.token), undefined);
        assert.equal(await admin.authenticate(`${own.token.slice(0, -1)}x`), undefined);
      });
    });

    test('an active session slides forward but never past its maximum age', async () => {
      await withService(async (admin, clock) => {
        const { staff } = await admin.createOwner({ login: 'owner', password: 'correct horse battery' });
        const session = await admin.startSession(staff.id, CLIENT);
        const step = admin.limits.sessionIdleMs / 2;
        for (let elapsed = 0; elapsed + step < admin.limits.sessionMaxMs; elapsed += step) {
          clock.now += step;
          assert.ok(await admin.authenticate(session.token), `still valid after ${elapsed + step} ms`);
        }
        clock.now += step;
        assert.equal(await admin.authenticate(session.token), undefined);
      });
    });

    test('password login accepts the right password, refuses a wrong one, and locks the login after five tries', async () => {
      await withService(async (admin, clock) => {
        await admin.createOwner({ login: 'Owner', password: 'correct horse battery' });
        const session = await admin.passwordLogin('owner', 'correct horse battery', CLIENT);
        assert.equal(session.staff.login, 'owner');
        for (let attempt = 0; attempt < 5; attempt += 1) {
          await rejectsWith(admin.passwordLogin('owner', 'wrong password!', { ip: `198.51.100.${attempt}` }), 'admin.bad_credentials');
        }
        // Even the right password is refused while the login is locked: guessing stops here.
        await rejectsWith(admin.passwordLogin('owner', 'correct horse battery', { ip: '198.51.100.99' }), 'admin.rate_limited');
        clock.now += admin.limits.attemptWindowMs + 1;
        assert.ok(await admin.passwordLogin('owner', 'correct horse battery', CLIENT));
        await rejectsWith(admin.passwordLogin('nobody', 'whatever-password', CLIENT), 'admin.bad_credentials');
      });
    });

    test('one address may try only so many logins in a window, whatever the login names', async () => {
      await withService(async (admin) => {
        for (let attempt = 0; attempt < admin.limits.attemptsPerIp; attempt += 1) {
          await rejectsWith(admin.redeemLink(`${'b'.repeat(40)}${attempt}xx`, CLIENT), 'admin.link_invalid');
        }
        await rejectsWith(admin.redeemLink('c'.repeat(43), CLIENT), 'admin.rate_limited');
        await rejectsWith(admin.passwordLogin('owner', 'whatever-password', CLIENT), 'admin.rate_limited');
      });
    });

    test('a staff member can ask for only a few links in a window', async () => {
      await withService(async (admin) => {
        const owner = await admin.staffForTelegram({ id: OWNER_TG, first_name: 'Owner' });
        assert.ok(owner);
        for (let index = 0; index < admin.limits.linksPerStaff; index += 1) await admin.issueLink(owner);
        await rejectsWith(admin.issueLink(owner), 'admin.rate_limited');
      });
    });

    test('weak passwords, taken logins and removing the last owner are refused without a change', async () => {
      await withService(async (admin) => {
        await rejectsWith(admin.createOwner({ login: 'owner', password: 'short' }), 'admin.invalid_input');
        await rejectsWith(admin.createOwner({ login: 'x', password: 'correct horse battery' }), 'admin.invalid_input');
        const { staff } = await admin.createOwner({ login: 'owner', password: 'correct horse battery' });
        await rejectsWith(admin.createStaff({ login: 'owner', password: 'another good one', displayName: 'Copy', role: 'manager' }), 'admin.conflict');
        await rejectsWith(admin.updateStaff(staff.id, { role: 'manager' }), 'admin.last_owner');
        await rejectsWith(admin.updateStaff(staff.id, { disabled: true }), 'admin.last_owner');
        assert.equal((await admin.getStaff(staff.id))?.role, 'owner');
        const again = await admin.createOwner({ login: 'owner', password: 'a new long password' });
        assert.equal(again.created, false);
        assert.equal((await admin.listStaff()).length, 1);
      });
    });
  });
}

describe('roles', () => {
  test('the owner may do everything and other roles only what is open to them', () => {
    assert.equal(roleAllows('owner', []), true);
    assert.equal(roleAllows('manager', ['manager']), true);
    assert.equal(roleAllows('support', ['manager']), false);
    assert.equal(roleAllows('accountant', ['manager', 'accountant']), true);
  });
});
