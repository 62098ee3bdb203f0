import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../../config/business.ts';
import type { LiveSettingsSection } from '../module.ts';

/** A text per language, or one text for all; languages left blank are dropped, and one must remain. */
export const localisedTextSchema = z.union([
  z.string().trim().min(1, 'the text is empty').max(1000),
  z
    .partialRecord(z.enum(SUPPORTED_LOCALES), z.string().trim().max(1000))
    .transform((texts) => Object.fromEntries(Object.entries(texts).filter(([, text]) => text !== undefined && text !== '')) as Partial<Record<(typeof SUPPORTED_LOCALES)[number], string>>)
    .refine((texts) => Object.keys(texts).length > 0, 'the text is empty in every language'),
]);
/** A text per language, or one text for all. */
export type LocalisedText = z.infer<typeof localisedTextSchema>;

/** The payment methods, by the ids the config and callback data use. */
export const PAYMENT_METHODS = ['stars', 'card', 'heleket', 'qr', 'manual'] as const;
/** One payment method. */
export type PaymentMethodId = (typeof PAYMENT_METHODS)[number];

/** One set of requisites for manual transfers. */
const manualVariantSchema = z.object({
  /** Used in callback data: `[a-z0-9_]{1,16}`. */
  id: z.string().trim().regex(/^[a-z0-9_]{1,16}$/, 'expected 1–16 small Latin letters, digits or _, such as kaspi'),
  label: localisedTextSchema,
  requisites: localisedTextSchema,
});

/** Manual transfer variants: each id once. */
const manualVariantsSchema = z.array(manualVariantSchema).max(10, 'at most 10 sets of requisites').superRefine((variants, ctx) => {
  const seen = new Set<string>();
  for (const [index, variant] of variants.entries()) {
    if (seen.has(variant.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `the id ${variant.id} is used twice` });
    seen.add(variant.id);
  }
});

/** The offered methods in order, each once. */
const methodListSchema = z.array(z.enum(PAYMENT_METHODS)).superRefine((methods, ctx) => {
  if (new Set(methods).size !== methods.length) ctx.addIssue({ code: 'custom', message: 'each method may be listed once' });
});

const qrReceiverSchema = z.string().trim().max(100);

/** Settings under `settings.payments` in the business config. */
export const paymentsSettingsSchema = z
  .object({
    /** Methods in the order they are offered; a method is shown only when configured. */
    methods: methodListSchema.default([...PAYMENT_METHODS]),
    /** How long an unpaid payment stays open. */
    paymentTtlMinutes: z.number().int().min(5).max(7 * 24 * 60).default(60),
    stars: z.object({ enabled: z.boolean().default(true) }).default({ enabled: true }),
    card: z.object({ enabled: z.boolean().default(true) }).default({ enabled: true }),
    heleket: z
      .object({
        enabled: z.boolean().default(true),
        /** Addresses webhooks may come from; empty accepts any (the signature still decides). */
        webhookIps: z.array(z.string().min(1)).default(['31.133.220.8']),
        /**
         * No longer read: the client address comes from the server-wide `TRUST_PROXY` setting,
         * which trusts only your own proxies. Kept so that older config files still load.
         */
        trustForwardedFor: z.boolean().default(false),
        /** How often open invoices are checked, for webhooks that never arrived. */
        pollEverySeconds: z.number().int().min(1).max(3600).default(60),
        /** Invoices younger than this are left to the webhook. */
        pollAfterSeconds: z.number().int().min(0).max(3600).default(30),
      })
      .default({ enabled: true, webhookIps: ['31.133.220.8'], trustForwardedFor: false, pollEverySeconds: 60, pollAfterSeconds: 30 }),
    qr: z
      .object({
        enabled: z.boolean().default(false),
        /** What the QR code encodes; `{amount}` (major units), `{reference}` and `{currency}` are filled in. */
        payloadTemplate: z.string().min(8).max(180).default('https://pay.kaspi.kz/pay/lavka?amount={amount}&ref={reference}'),
        /** Who receives the money, shown under the QR code (e.g. "Lavka LLP, Kaspi"). */
        receiver: qrReceiverSchema.default(''),
      })
      .default({ enabled: false, payloadTemplate: 'https://pay.kaspi.kz/pay/lavka?amount={amount}&ref={reference}', receiver: '' }),
    manual: z
      .object({
        enabled: z.boolean().default(true),
        variants: manualVariantsSchema.default([]),
      })
      .default({ enabled: true, variants: [] }),
    /** Gateway calls: per-attempt timeout, attempts, and the circuit breaker. */
    gateway: z
      .object({
        timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
        attempts: z.number().int().min(1).max(5).default(3),
        backoffMs: z.number().int().min(0).max(10_000).default(300),
        failureThreshold: z.number().int().min(1).max(100).default(5),
        openSeconds: z.number().min(0.1).max(3600).default(30),
      })
      .default({ timeoutMs: 10_000, attempts: 3, backoffMs: 300, failureThreshold: 5, openSeconds: 30 }),
  })
  .prefault({});

/** Validated payments settings. */
export type PaymentsSettings = z.infer<typeof paymentsSettingsSchema>;

/**
 * The part of the payments settings the owner edits in the panel, with the config file's
 * rules: which methods are offered and in what order (a method not listed is off), the QR
 * receiver, and the manual transfer requisites. Secrets stay in the environment.
 */
export const paymentsPanelSchema = z.object({
  methods: methodListSchema,
  qr: z.object({ receiver: qrReceiverSchema.default('') }).default({ receiver: '' }),
  manual: z.object({ variants: manualVariantsSchema }),
});

/** The panel's payments value. */
export type PaymentsPanelSettings = z.output<typeof paymentsPanelSchema>;

/** The panel's view of configured settings: a method is on when it is listed and enabled (transfers: and have requisites). */
export function panelValueOf(settings: PaymentsSettings): PaymentsPanelSettings {
  return {
    methods: settings.methods.filter((method) => settings[method].enabled && (method !== 'manual' || settings.manual.variants.length > 0)),
    qr: { receiver: settings.qr.receiver },
    manual: { variants: structuredClone(settings.manual.variants) },
  };
}

/** The configured settings with the panel's value over them: listed methods on, the rest off. */
export function withPanelValue(settings: PaymentsSettings, value: PaymentsPanelSettings): PaymentsSettings {
  const on = (method: PaymentMethodId) => value.methods.includes(method);
  return {
    ...settings,
    methods: [...value.methods],
    stars: { ...settings.stars, enabled: on('stars') },
    card: { ...settings.card, enabled: on('card') },
    heleket: { ...settings.heleket, enabled: on('heleket') },
    qr: { ...settings.qr, enabled: on('qr'), receiver: value.qr.receiver },
    manual: { ...settings.manual, enabled: on('manual'), variants: structuredClone(value.manual.variants) },
  };
}

/** Picks the text for `locale` from a localised text (falls back to the first one given). */
export function pickText(text: LocalisedText, locale: string): string {
  if (typeof text === 'string') return text;
  const record = text as Record<string, string | undefined>;
  return record[locale] ?? record.en ?? record.ru ?? Object.values(record).find((value) => value !== undefined) ?? '';
}

/** Whether a method can work here, and the reason (a code the panel translates) when it cannot. */
export type MethodReadiness = { ready: true; note?: string } | { ready: false; reason: string; message: string };

/**
 * The payment methods as a live setting. A method that cannot work here (card payments
 * without a provider token, the crypto gateway without its keys, transfers without requisites)
 * cannot be turned on; one already on in the config file may stay listed, it is simply not
 * offered. Payments already opened keep what they were opened with: the requisites and the
 * QR receiver are stored with each payment.
 */
export function paymentsSettingsSection(deps: {
  configured: PaymentsSettings;
  readiness(method: PaymentMethodId): MethodReadiness;
  apply(settings: PaymentsSettings): void;
}): LiveSettingsSection<PaymentsPanelSettings> {
  return {
    key: 'payments',
    summary: 'the payment methods offered, their order, the manual transfer requisites and the QR receiver',
    schema: paymentsPanelSchema,
    fallback: () => panelValueOf(deps.configured),
    apply: (value) => deps.apply(withPanelValue(deps.configured, value)),
    async check(value, current) {
      if (value.methods.includes('manual') && value.manual.variants.length === 0) {
        return { reason: 'needs_requisites', message: 'Bank transfers need at least one set of requisites: add one, or turn transfers off.' };
      }
      for (const method of value.methods.filter((item) => !current.methods.includes(item) && item !== 'manual')) {
        const readiness = deps.readiness(method);
        if (!readiness.ready) return { reason: readiness.reason, message: readiness.message };
      }
      return undefined;
    },
    describe: () => ({
      methods: PAYMENT_METHODS.map((method) => {
        const readiness = deps.readiness(method);
        return readiness.ready ? { id: method, ready: true, ...(readiness.note ? { note: readiness.note } : {}) } : { id: method, ready: false, reason: readiness.reason };
      }),
    }),
  };
}
