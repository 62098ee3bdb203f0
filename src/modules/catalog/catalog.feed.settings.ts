/**
 * Where the catalogue feed comes from and how often, as the owner sets it in the panel (a live
 * settings section over the config file's `settings.catalog.feed`), and the limits that keep a
 * broken feed from changing the shop, which only the config file sets.
 */
import { z } from 'zod';
import type { OutgoingPolicy } from '../../platform/outgoing.ts';
import { OutgoingError } from '../../platform/outgoing.ts';
import type { LiveSettingsSection } from '../module.ts';

/** The feed formats Lavka reads: YML (Yandex Market Language) and the panel's own CSV. */
export const FEED_FORMATS = ['yml', 'csv'] as const;

/** What the owner edits in the panel: the URL, its format, and how often it is imported (0: only by hand). */
export const catalogFeedPanelSchema = z
  .object({
    url: z
      .string()
      .trim()
      .max(1000)
      .refine((value) => /^https?:\/\//i.test(value), 'an http or https URL')
      .nullable()
      .describe('The feed URL; null: no feed'),
    format: z.enum(FEED_FORMATS).describe('yml: Yandex Market Language; csv: the panel’s own CSV export format'),
    intervalMinutes: z.number().int().min(0).max(10_080).describe('Minutes between scheduled imports (at least 5); 0: only on demand').refine((value) => value === 0 || value >= 5, 'at least 5 minutes, or 0 for off'),
  })
  .strict();

/** The panel's part of the feed settings. */
export type CatalogFeedPanelSettings = z.output<typeof catalogFeedPanelSchema>;

/** `settings.catalog.feed` in the config file: the panel's defaults and the safety limits. */
export const catalogFeedConfigSchema = z
  .object({
    url: z.string().trim().max(1000).nullable().default(null),
    format: z.enum(FEED_FORMATS).default('yml'),
    intervalMinutes: z.number().int().min(0).max(10_080).default(0),
    /** The largest feed downloaded; a larger one fails the run and changes nothing. */
    maxBytes: z.number().int().min(1024).max(500 * 1024 * 1024).default(50 * 1024 * 1024),
    /** How long the whole download may take. */
    timeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
    /** Most offers one feed may hold. */
    maxOffers: z.number().int().min(1).max(100_000).default(20_000),
    /** Bad offers are skipped and reported while they are at most this share of the feed; more refuse it. */
    maxInvalidPercent: z.number().min(0).max(100).default(10),
    /** A feed that would hide more than this share of the products it listed before is refused (a cut-off export). */
    maxHiddenPercent: z.number().min(0).max(100).default(50),
    /** Stock of an offer that says only `available="true"` and no count. */
    stockWhenAvailable: z.number().int().min(0).max(1_000_000).default(100),
    /** Whether pictures are downloaded into the catalogue. */
    pictures: z.boolean().default(true),
    maxPicturesPerProduct: z.number().int().min(0).max(10).default(5),
    /** How often each instance looks for a requested or scheduled import. */
    pollMs: z.number().int().min(50).max(60_000).default(2000),
  })
  .strict()
  .prefault({});

/** The feed's config-file settings. */
export type CatalogFeedConfig = z.output<typeof catalogFeedConfigSchema>;

/**
 * The feed as a live setting: the owner sets the URL, the format and the schedule in the panel;
 * the config file's values are the default. A URL Lavka may not call (a private address not
 * allowed under `outgoing.allowPrivate`) is refused when it is saved.
 */
export function catalogFeedSettingsSection(deps: { configured: CatalogFeedConfig; policy: OutgoingPolicy; apply(value: CatalogFeedPanelSettings): void }): LiveSettingsSection<CatalogFeedPanelSettings> {
  const fallback: CatalogFeedPanelSettings = { url: deps.configured.url, format: deps.configured.format, intervalMinutes: deps.configured.intervalMinutes };
  return {
    key: 'catalog-feed',
    summary: 'the catalogue feed (URL, format, schedule)',
    schema: catalogFeedPanelSchema,
    fallback: () => ({ ...fallback }),
    apply: deps.apply,
    async check(value) {
      if (value.url === null) return undefined;
      try {
        await deps.policy.check(value.url);
        return undefined;
      } catch (error) {
        if (error instanceof OutgoingError) return { reason: error.code === 'outgoing.address_refused' ? 'feed_address_refused' : 'feed_url_invalid', message: error.message };
        throw error;
      }
    },
  };
}
