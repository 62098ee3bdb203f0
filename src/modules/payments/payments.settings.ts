import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../../config/business.ts';

/** A text per language, or one text for all. */
export const localisedTextSchema = z.union([z.string().min(1).max(1000), z.partialRecord(z.enum(SUPPORTED_LOCALES), z.string().min(1).max(1000))]);
/** A text per language, or one text for all. */
export type LocalisedText = z.infer<typeof localisedTextSchema>;

/** One set of requisites for manual transfers. */
const manualVariantSchema = z.object({
  /** Used in callback data: `[a-z0-9_]{1,16}`. */
  id: z.string().regex(/^[a-z0-9_]{1,16}$/),
  label: localisedTextSchema,
  requisites: localisedTextSchema,
});

/** Settings under `settings.payments` in the business config. */
export const paymentsSettingsSchema = z
  .object({
    /** Methods in the order they are offered; a method is shown only when configured. */
    methods: z
      .array(z.enum(['stars', 'card', 'heleket', 'qr', 'manual']))
      .default(['stars', 'card', 'heleket', 'qr', 'manual']),
    /** How long an unpaid payment stays open. */
    paymentTtlMinutes: z.number().int().min(5).max(7 * 24 * 60).default(60),
    stars: z.object({ enabled: z.boolean().default(true) }).default({ enabled: true }),
    card: z.object({ enabled: z.boolean().default(true) }).default({ enabled: true }),
    heleket: z
      .object({
        enabled: z.boolean().default(true),
        /** Addresses webhooks may come from; empty accepts any (the signature still decides). */
        webhookIps: z.array(z.string().min(1)).default(['31.133.220.8']),
        /** Read the client address from X-Forwarded-For (only behind your own reverse proxy). */
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
        receiver: z.string().max(100).default(''),
      })
      .default({ enabled: false, payloadTemplate: 'https://pay.kaspi.kz/pay/lavka?amount={amount}&ref={reference}', receiver: '' }),
    manual: z
      .object({
        enabled: z.boolean().default(true),
        variants: z.array(manualVariantSchema).default([]),
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

/** Picks the text for `locale` from a localised text (falls back to the first one given). */
export function pickText(text: LocalisedText, locale: string): string {
  if (typeof text === 'string') return text;
  const record = text as Record<string, string | undefined>;
  return record[locale] ?? record.en ?? record.ru ?? Object.values(record).find((value) => value !== undefined) ?? '';
}
