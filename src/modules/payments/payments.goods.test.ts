import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addBillingUser, paymentsServiceOn, startBillingServices, type BillingServices } from '../../../test/support/billing.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import type { PaymentsService } from './payments.service.ts';
import { paymentsSettingsSchema } from './payments.settings.ts';
import type { PaymentPurpose, PurposeGoods } from './payments.types.ts';
import { createTelegramCardProvider } from './providers/telegram-card.provider.ts';
import { createTelegramStarsProvider, invoicePayload } from './providers/telegram-stars.provider.ts';


/** A purpose priced both in Stars and in tenge, selling `goods`; `digital` answers for `mixed` ones. */
function pricedPurpose(name: string, goods: PurposeGoods, digital?: (ref: string) => boolean): PaymentPurpose & { paid: string[] } {
  const paid: string[] = [];
  return {
    name,
    goods,
    paid,
    async quote(ref) {
      return {
        title: `Thing ${ref}`,
        description: `Thing ${ref} of ${name}`,
        stars: 50,
        fiat: { amountMinor: 500_000, currency: 'KZT' },
        ...(digital ? { digital: digital(ref) } : {}),
      };
    },
    async onPaid(_trx, payment) {
      paid.push(payment.purpose_ref);
    },
  };
}

for (const dialect of await testDialects()) {
  describe(`Telegram Stars pay only for digital goods and services, on ${dialect.name}`, () => {
    let target: TestDatabase;
    let billing: BillingServices;
    let payments: PaymentsService;
    // Stars and cards are both offered by the settings; only what is sold decides.
    const settings = paymentsSettingsSchema.parse({ methods: ['stars', 'card'] });
    const parcel = pricedPurpose('parcel', 'physical');
    const ebook = pricedPurpose('ebook', 'digital');
    // A shop order: refs starting with "d" are made of digital products only.
    const order = pricedPurpose('shoporder', 'mixed', (ref) => ref.startsWith('d'));

    before(async () => {
      target = await dialect.create();
      billing = await startBillingServices(target, { adminIds: [7100] });
      payments = paymentsServiceOn(billing, { settings, providers: [createTelegramStarsProvider({ telegram: () => undefined }), createTelegramCardProvider({ providerToken: '381764678:TEST:goods-test' })], staffChatIds: [7100] });
      for (const purpose of [parcel, ebook, order]) payments.registerPurpose(purpose);
    });
    after(async () => {
      await billing?.database.close();
      await target?.drop();
    });

    test('a physical purpose is offered the card but not Stars, even with a Stars price and Stars turned on', async () => {
      await addBillingUser(billing, 301);
      const offer = await payments.offer('parcel', 'p1', 301, 'en');
      assert.deepEqual(offer?.methods.map((method) => method.id), ['card']);
      const digital = await payments.offer('ebook', 'e1', 301, 'en');
      assert.deepEqual(digital?.methods.map((method) => method.id), ['stars', 'card']);
    });

    test('opening a Stars payment for a physical purpose is refused with a dotted code and writes nothing', async () => {
      await addBillingUser(billing, 302);
      await assert.rejects(payments.start({ userId: 302, purpose: 'parcel', ref: 'p2', method: 'stars', locale: 'en' }), (error: unknown) => {
        assert.equal((error as { code?: string }).code, 'payments.stars_not_allowed');
        return true;
      });
      assert.deepEqual(await payments.listForUser(302, 10), [], 'no payment row, not even a failed one');
      assert.deepEqual(parcel.paid, []);
      // The card still pays it, in tenge.
      const { payment, start } = await payments.start({ userId: 302, purpose: 'parcel', ref: 'p2', method: 'card', locale: 'en' });
      assert.deepEqual([payment.provider, payment.amount_minor, payment.currency], ['telegram_card', 500_000, 'KZT']);
      assert.equal(start.type === 'telegram_invoice' && start.invoice.providerToken, '381764678:TEST:goods-test');
    });

    test('a mixed purpose is offered Stars only for a thing that is digital', async () => {
      await addBillingUser(billing, 303);
      assert.deepEqual((await payments.offer('shoporder', 'd1', 303, 'en'))?.methods.map((method) => method.id), ['stars', 'card']);
      assert.deepEqual((await payments.offer('shoporder', 'p1', 303, 'en'))?.methods.map((method) => method.id), ['card']);
      await assert.rejects(payments.start({ userId: 303, purpose: 'shoporder', ref: 'p1', method: 'stars', locale: 'en' }), { code: 'payments.stars_not_allowed' });
      const { payment } = await payments.start({ userId: 303, purpose: 'shoporder', ref: 'd1', method: 'stars', locale: 'en' });
      assert.deepEqual([payment.provider, payment.amount_minor, payment.currency], ['telegram_stars', 50, 'XTR']);
      assert.equal((await payments.listForUser(303, 10)).length, 1);
    });

    test('a Stars invoice for something no longer digital is refused at pre-checkout and credits nothing', async () => {
      await addBillingUser(billing, 304);
      let digitalNow = true;
      const flipping = pricedPurpose('flipping', 'mixed', () => digitalNow);
      payments.registerPurpose(flipping);
      const { payment } = await payments.start({ userId: 304, purpose: 'flipping', ref: 'x1', method: 'stars', locale: 'en' });
      const check = { payload: invoicePayload(payment.id), userId: 304, currency: 'XTR', totalAmount: 50 };
      assert.equal(await payments.preCheckout(check), undefined);
      // Staff mark the product physical while the invoice is open.
      digitalNow = false;
      assert.equal(await payments.preCheckout(check), 'payments.stars_not_allowed');
      assert.equal((await payments.get(payment.id))?.status, 'pending');
      assert.deepEqual(flipping.paid, []);
    });

    test("the panel's payment facts say Stars are for digital goods only, and that cards go through the sandbox's test provider", () => {
      const section = billing.modules.find((item) => item.name === 'payments')?.instance.settings?.find((item) => item.key === 'payments');
      const methods = (section?.describe?.() as { methods: { id: string; ready: boolean; note?: string }[] } | undefined)?.methods ?? [];
      assert.deepEqual(methods.find((method) => method.id === 'stars'), { id: 'stars', ready: true, note: 'digital_only' });
      // startBillingServices runs without a bot token: the sandbox's simulated card provider is ready.
      assert.deepEqual(methods.find((method) => method.id === 'card'), { id: 'card', ready: true, note: 'sandbox_test_provider' });
    });

    test('the service explains why Stars turned on are never offered when everything sold is physical', async () => {
      const physicalOnly = paymentsServiceOn(billing, { settings, providers: [createTelegramStarsProvider({ telegram: () => undefined })], staffChatIds: [] });
      physicalOnly.registerPurpose(pricedPurpose('parcel', 'physical'));
      assert.match(physicalOnly.starsNotice() ?? '', /Telegram allows Stars only for digital goods and services.*\(parcel\)|\(parcel\).*Telegram allows Stars only for digital goods/s);
      physicalOnly.registerPurpose(pricedPurpose('ebook', 'digital'));
      assert.equal(physicalOnly.starsNotice(), undefined, 'one digital purpose is enough for Stars to make sense');
      assert.equal(payments.starsNotice(), undefined);
    });
  });
}
