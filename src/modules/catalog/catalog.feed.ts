/**
 * The catalogue feed import: fetch the feed through the outgoing policy (size-capped, with a
 * deadline), read it (YML or the panel's CSV), write it in one transaction, then bring the
 * pictures that changed. Runs on its schedule and when staff press "Import now", on one
 * instance at a time (a lease row in the database), each run recorded with its summary or
 * the reason it changed nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Locale } from '../../config/business.ts';
import type { DbExecutor } from '../../db/database.ts';
import { OutgoingError, OutgoingTooLarge, requestThrough, type OutgoingPolicy } from '../../platform/outgoing.ts';
import { CatalogError } from './catalog.errors.ts';
import type { FeedOutcome, FeedPicture } from './catalog.feed.apply.ts';
import { readCsvFeed } from './catalog.feed.csv.ts';
import { createCatalogFeedRepository } from './catalog.feed.repository.ts';
import type { CatalogFeedConfig, CatalogFeedPanelSettings } from './catalog.feed.settings.ts';
import { readYmlFeed, type FeedContent, type FeedIssue } from './catalog.feed.yml.ts';
import { MAX_PHOTO_BYTES, sniffImageType } from './catalog.editor.schemas.ts';
import type { CatalogService } from './catalog.service.ts';
import type { FeedRunRecord, FeedTrigger } from './catalog.tables.ts';

/** Problems kept with a run; the count says how many there were in all. */
const KEPT_ERRORS = 50;
/** The lease of an importing instance; renewed at each step, so only a dead instance loses it. */
const LEASE_MS = 10 * 60_000;
/** How long one picture may take to download. */
const PICTURE_TIMEOUT_MS = 20_000;
/** Pictures downloaded at once. */
const PICTURE_CONCURRENCY = 4;

/** A run as the panel and the API show it. */
export interface FeedRunView {
  id: number;
  trigger: FeedTrigger;
  status: FeedRunRecord['status'];
  phase: string | null;
  url: string;
  format: string;
  reason: string | null;
  message: string | null;
  feedBytes: number | null;
  offers: number | null;
  added: number;
  updated: number;
  unchanged: number;
  hidden: number;
  pictures: number;
  errorCount: number;
  errors: FeedIssue[];
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

/** What the feed import needs. */
export interface CatalogFeedDeps {
  db: DbExecutor;
  now(): number;
  logger: Logger;
  policy: OutgoingPolicy;
  catalog: Pick<CatalogService, 'applyFeed' | 'photoSources' | 'replaceFeedPhotos'>;
  config: CatalogFeedConfig;
  /** The URL, format and schedule in effect (the panel's, else the config file's). */
  settings(): CatalogFeedPanelSettings;
  currency: string;
  defaultLocale: Locale;
}

function runView(row: FeedRunRecord): FeedRunView {
  let errors: FeedIssue[] = [];
  try {
    errors = row.errors ? (JSON.parse(row.errors) as FeedIssue[]) : [];
  } catch {
    errors = [];
  }
  return {
    id: Number(row.id),
    trigger: row.trigger,
    status: row.status,
    phase: row.phase,
    url: row.url,
    format: row.format,
    reason: row.reason,
    message: row.message,
    feedBytes: row.feed_bytes === null ? null : Number(row.feed_bytes),
    offers: row.offers,
    added: row.added,
    updated: row.updated,
    unchanged: row.unchanged,
    hidden: row.hidden,
    pictures: row.pictures,
    errorCount: row.error_count,
    errors,
    createdAt: Number(row.created_at),
    startedAt: row.started_at === null ? null : Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The catalogue feed import and its runs. */
export function createCatalogFeed(deps: CatalogFeedDeps) {
  const repository = createCatalogFeedRepository(deps.db);
  const holder = randomUUID();

  /** Downloads the feed; every way it can fail is a `catalog.feed_*` refusal. */
  const download = async (url: string): Promise<Buffer> => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new CatalogError('catalog.feed_unreachable', 'The feed URL is not a URL.');
    }
    try {
      const answer = await requestThrough(deps.policy, target, { timeoutMs: deps.config.timeoutMs, maxBytes: deps.config.maxBytes, headers: { accept: 'application/xml, text/xml, text/csv, */*' } });
      if (answer.status < 200 || answer.status > 299) throw new CatalogError('catalog.feed_http_error', `The feed's server answered HTTP ${answer.status}.`, { status: answer.status });
      return answer.body;
    } catch (error) {
      if (error instanceof CatalogError) throw error;
      if (error instanceof OutgoingTooLarge) throw new CatalogError('catalog.feed_too_large', `The feed is larger than ${deps.config.maxBytes} bytes (settings.catalog.feed.maxBytes).`, { maxBytes: deps.config.maxBytes });
      if (error instanceof OutgoingError) throw new CatalogError('catalog.feed_unreachable', error.message, { cause: error.code });
      throw new CatalogError('catalog.feed_unreachable', `The feed could not be downloaded: ${(error as Error).message}`);
    }
  };

  const read = (bytes: Buffer, format: CatalogFeedPanelSettings['format']): FeedContent =>
    format === 'csv'
      ? readCsvFeed(bytes, { currency: deps.currency, defaultLocale: deps.defaultLocale })
      : readYmlFeed(bytes, { currency: deps.currency, stockWhenAvailable: deps.config.stockWhenAvailable, maxOffers: deps.config.maxOffers, maxPicturesPerProduct: deps.config.maxPicturesPerProduct });

  /** One picture, checked as an upload is: an image by its bytes, at most 10 MB. */
  const picture = async (url: string): Promise<FeedPicture> => {
    const answer = await requestThrough(deps.policy, new URL(url), { timeoutMs: PICTURE_TIMEOUT_MS, maxBytes: MAX_PHOTO_BYTES });
    if (answer.status < 200 || answer.status > 299) throw new Error(`HTTP ${answer.status}`);
    const mimeType = sniffImageType(answer.body);
    if (!mimeType) throw new Error('not a PNG, JPEG or WebP picture');
    return { url, bytes: new Uint8Array(answer.body), mimeType };
  };

  /**
   * Brings each product's photos to the feed's pictures where the addresses changed; a picture
   * that fails is reported and the product keeps the photos it had.
   */
  const syncPictures = async (outcome: FeedOutcome, issues: FeedIssue[], renew: () => Promise<void>): Promise<number> => {
    const wanted = outcome.products.filter((product) => product.pictures.length > 0);
    const stored = await deps.catalog.photoSources(wanted.map((product) => product.productId));
    const changed = wanted.filter((product) => {
      const current = stored.get(product.productId) ?? [];
      return current.length !== product.pictures.length || current.some((url, index) => url !== product.pictures[index]);
    });
    let done = 0;
    await eachLimited(changed, PICTURE_CONCURRENCY, async (product) => {
      const have = new Set(stored.get(product.productId) ?? []);
      const downloaded = new Map<string, FeedPicture>();
      try {
        for (const url of product.pictures) if (!have.has(url)) downloaded.set(url, await picture(url));
      } catch (error) {
        issues.push({ ref: `product ${product.productId}`, field: 'picture', code: 'catalog.feed_picture_failed', message: `A picture could not be downloaded (${(error as Error).message}); the product keeps its photos.` });
        return;
      }
      await deps.catalog.replaceFeedPhotos(product.productId, product.pictures, downloaded);
      done += downloaded.size;
      await renew();
    });
    return done;
  };

  /** Runs one import that this instance holds the lease for, and records how it went. */
  const execute = async (run: FeedRunRecord): Promise<void> => {
    const renew = async () => {
      if (!(await repository.renewLease(holder, deps.now(), LEASE_MS))) deps.logger.warn({ run: run.id }, 'the catalogue feed lease was taken by another instance');
    };
    const phase = async (name: string) => {
      await repository.updateRun(run.id, { phase: name });
      await renew();
    };
    let feedBytes: number | null = null;
    let offers: number | null = null;
    try {
      await phase('fetching');
      const bytes = await download(run.url);
      feedBytes = bytes.byteLength;
      await phase('reading');
      const content = read(bytes, run.format === 'csv' ? 'csv' : 'yml');
      offers = content.offers;
      await phase('writing');
      const outcome = await deps.catalog.applyFeed(content, { maxInvalidPercent: deps.config.maxInvalidPercent, maxHiddenPercent: deps.config.maxHiddenPercent });
      const issues = [...outcome.issues];
      let pictures = 0;
      if (deps.config.pictures) {
        await phase('pictures');
        pictures = await syncPictures(outcome, issues, renew);
      }
      await repository.updateRun(run.id, {
        status: 'ok',
        phase: null,
        feed_bytes: feedBytes,
        offers,
        added: outcome.added,
        updated: outcome.updated,
        unchanged: outcome.unchanged,
        hidden: outcome.hidden,
        pictures,
        error_count: issues.length,
        errors: JSON.stringify(issues.slice(0, KEPT_ERRORS)),
        finished_at: deps.now(),
      });
      deps.logger.info({ run: run.id, offers, added: outcome.added, updated: outcome.updated, hidden: outcome.hidden, problems: issues.length }, 'catalogue feed imported');
    } catch (error) {
      const known = error instanceof CatalogError;
      if (!known) deps.logger.error({ err: error, run: run.id }, 'the catalogue feed import failed');
      const details = known ? (error.details as { issues?: FeedIssue[] } | undefined) : undefined;
      const issues = details?.issues ?? [];
      await repository.updateRun(run.id, {
        status: 'failed',
        phase: null,
        reason: known ? error.code : 'catalog.feed_internal',
        message: known ? error.message : 'The import stopped on an unexpected error; see the log. Nothing was changed.',
        feed_bytes: feedBytes,
        offers,
        error_count: issues.length,
        errors: issues.length > 0 ? JSON.stringify(issues.slice(0, KEPT_ERRORS)) : null,
        finished_at: deps.now(),
      });
    }
  };

  const feed = {
    /**
     * The job: under the lease, fails runs a dead instance left "running", then runs the oldest
     * requested one, or a scheduled one when the interval has passed since the last run.
     */
    async tick(): Promise<void> {
      const nowMs = deps.now();
      const settings = deps.settings();
      const active = await repository.activeRuns();
      const queued = active.find((row) => row.status === 'queued');
      let due = false;
      if (!queued && settings.url !== null && settings.intervalMinutes > 0) {
        const last = await repository.lastStartedAt();
        due = last === null || nowMs - last >= settings.intervalMinutes * 60_000;
      }
      if (!queued && !due && !active.some((row) => row.status === 'running')) return;
      if (!(await repository.acquireLease(holder, nowMs, LEASE_MS))) return;
      try {
        // Holding the lease, any run still marked running belongs to an instance that died.
        for (const row of await repository.activeRuns()) {
          if (row.status === 'running') {
            await repository.updateRun(row.id, { status: 'failed', phase: null, reason: 'catalog.feed_interrupted', message: 'The instance running this import stopped before it finished; nothing of it was kept.', finished_at: nowMs });
          }
        }
        const next = (await repository.activeRuns()).find((row) => row.status === 'queued');
        let run: FeedRunRecord | undefined;
        if (next) {
          await repository.updateRun(next.id, { status: 'running', started_at: deps.now() });
          run = { ...next, status: 'running' };
        } else if (due && settings.url !== null) {
          run = await repository.insertRun({ trigger: 'schedule', requested_by: null, status: 'running', url: settings.url, format: settings.format, started_at: deps.now() }, deps.now());
        }
        if (run) await execute(run);
      } finally {
        await repository.releaseLease(holder);
      }
    },

    /**
     * Queues an import for the next tick of any instance. Refused when no feed URL is set
     * (`catalog.feed_not_configured`) or an import is already waiting or running
     * (`catalog.feed_busy`, with its run).
     */
    async requestImport(staffId: number | null): Promise<FeedRunView> {
      const settings = deps.settings();
      if (settings.url === null) throw new CatalogError('catalog.feed_not_configured', 'Set the feed URL first.');
      const active = await repository.activeRuns();
      const first = active[0];
      if (first) throw new CatalogError('catalog.feed_busy', 'An import is already waiting or running.', { run: runView(first) });
      const row = await repository.insertRun({ trigger: 'manual', requested_by: staffId, status: 'queued', url: settings.url, format: settings.format, started_at: null }, deps.now());
      return runView(row);
    },

    /** The latest runs, newest first. */
    async runs(limit: number): Promise<FeedRunView[]> {
      return (await repository.recentRuns(limit)).map(runView);
    },

    /** One run. */
    async run(id: number): Promise<FeedRunView | undefined> {
      const row = await repository.findRun(id);
      return row ? runView(row) : undefined;
    },
  };
  return feed;
}

/** The feed import's shape. */
export type CatalogFeed = ReturnType<typeof createCatalogFeed>;
