// Paying in the Mini App: the methods that can pay something (an order, later a booking) and
// opening a payment with one. Telegram's own invoices (cards, Stars) come back as an invoice
// link the app opens with `WebApp.openInvoice`; the successful payment reaches the bot as in
// the chat, so the order is paid, and told, in one place.

import { z } from 'zod';
import { miniAppRoute, type AnyApiRoute } from '../../platform/route.ts';
import type { PaymentsService } from './payments.service.ts';

const purposeQuery = z.object({
  purpose: z.string().regex(/^[a-z_]{1,32}$/),
  ref: z.string().regex(/^[\w.:-]{1,64}$/),
});
const startBody = purposeQuery.extend({ method: z.string().regex(/^[a-z0-9_.]{1,40}$/) });

/**
 * Methods the app can finish by itself. A manual transfer needs the receipt sent in the chat,
 * where its flow waits for it: the app sends the customer there for it.
 */
const IN_APP_PROVIDERS = new Set(['telegram_stars', 'telegram_card', 'heleket', 'qr']);

/** The payments routes of the Mini App's API. */
export function createPaymentsMiniAppRoutes(deps: { payments: PaymentsService }): AnyApiRoute[] {
  const { payments } = deps;
  return [
    miniAppRoute({
      method: 'GET',
      url: '/payments/options',
      summary: 'The methods that can pay for something of the user’s now',
      query: purposeQuery,
      handler: async ({ query, principal }) => {
        const offer = await payments.offer(query.purpose, query.ref, principal.userId, principal.locale);
        return {
          payable: offer !== undefined,
          methods: (offer?.methods ?? []).map((method) => ({ id: method.id, provider: method.provider, label: method.label, available: method.available, in_app: IN_APP_PROVIDERS.has(method.provider) })),
        };
      },
    }),
    miniAppRoute({
      method: 'POST',
      url: '/payments',
      summary: 'Opens a payment with a method and returns how to pay it',
      status: 201,
      body: startBody,
      handler: async ({ body, principal }) => {
        const { payment, start } = await payments.start({ userId: principal.userId, purpose: body.purpose, ref: body.ref, method: body.method, locale: principal.locale });
        const base = { payment_id: payment.id, amount_minor: payment.amount_minor, currency: payment.currency };
        switch (start.type) {
          case 'telegram_invoice':
            return { ...base, type: 'invoice', invoice_link: await payments.invoiceLink(payment, start) };
          case 'link':
            return { ...base, type: 'link', url: start.url };
          case 'qr':
            return { ...base, type: 'qr', qr_png: `data:image/png;base64,${start.png.toString('base64')}`, reference: start.reference, receiver: start.receiver ?? null };
          case 'manual':
            return { ...base, type: 'manual', requisites: start.requisites };
        }
      },
    }),
  ];
}
