import type { Locale } from '../../config/business.ts';
import type { OutboxMethod } from '../../delivery/outbox.ts';
import type { AudienceSegment } from '../module.ts';
import { createBroadcastsRepository, type AudienceMember } from './broadcasts.repository.ts';
import type { BroadcastRow } from './broadcasts.tables.ts';
import { createBroadcastsAudience } from './broadcasts.audience.ts';
import { createBroadcastsProgress } from './broadcasts.progress.ts';
import { buttonsOf, renderBroadcast } from './broadcasts.render.ts';
import { audienceSchema, broadcastInputSchema, BroadcastError, type Audience, type BroadcastInput, type BroadcastsServiceDeps } from './broadcasts.shared.ts';

export {
  BROADCAST_KINDS,
  BroadcastError,
  START_BROADCAST_JOB,
  TRACKED_BUTTON_PREFIX,
  UNSUBSCRIBE_PREFIX,
  audienceSchema,
  broadcastInputSchema,
  buttonSchema,
  type Audience,
  type BroadcastAnalytics,
  type BroadcastErrorCode,
  type BroadcastInput,
  type BroadcastProgress,
  type BroadcastsServiceDeps,
  type SegmentOption,
} from './broadcasts.shared.ts';
export { emptyProgress, formatDuration } from './broadcasts.progress.ts';

/** What every broadcasts use case shares. */
export function createBroadcastsCore(deps: BroadcastsServiceDeps) {
  const repository = createBroadcastsRepository(deps.db);
  const progressIntervalMs = deps.progressIntervalMs ?? 5000;
  // One list every use case reads; filled once the other modules are set up.
  const moduleSegments: AudienceSegment[] = [];

  const load = async (id: number): Promise<BroadcastRow> => {
    const row = await repository.findById(id);
    if (!row) throw new BroadcastError('broadcasts.not_found', `broadcast ${id} does not exist`);
    return row;
  };
  const audienceOf = (row: BroadcastRow): Audience => audienceSchema.parse(JSON.parse(row.audience));
  const localeOf = (member: Pick<AudienceMember, 'locale' | 'language_code'>): Locale => deps.users.localeOf(member, deps.config.business.defaultLocale);
  const { segmentNamed, reachableFor, resolveAudience } = createBroadcastsAudience(deps, repository, moduleSegments, localeOf);

  const wrongStatus = (row: BroadcastRow, action: string) =>
    new BroadcastError('broadcasts.wrong_status', `broadcast ${row.id} is ${row.status}; it cannot be ${action}`);

  const toRow = (input: BroadcastInput) => ({
    text: input.text,
    entities: input.entities ? JSON.stringify(input.entities) : null,
    parse_mode: input.parseMode ?? null,
    photo: input.photo ?? null,
    buttons: JSON.stringify(input.buttons),
    unsubscribe_button: input.unsubscribeButton ? 1 : 0,
    paid: input.paid && deps.paidBroadcastAllowed ? 1 : 0,
    audience: JSON.stringify(input.audience),
  });

  const parseInput = (input: unknown): BroadcastInput => {
    const parsed = broadcastInputSchema.safeParse(input);
    if (!parsed.success) {
      throw new BroadcastError('broadcasts.invalid', parsed.error.issues.map((problem) => `${problem.path.join('.') || 'broadcast'}: ${problem.message}`).join('; '));
    }
    if (parsed.data.audience.kind === 'segment' && !segmentNamed(parsed.data.audience.name)) {
      throw new BroadcastError('broadcasts.unknown_segment', `no module offers the segment ${parsed.data.audience.name}`);
    }
    return parsed.data;
  };

  /** The message one recipient gets, in their language (only the unsubscribe label differs). */
  const render = (row: BroadcastRow, locale: Locale): { method: OutboxMethod; payload: Record<string, unknown> } => renderBroadcast(deps, row, locale);
  const { counts, progressOf, progressScreen, progressLocale, refreshProgress, recordTotals } = createBroadcastsProgress(deps, repository, progressIntervalMs, localeOf);

  return { deps, repository, progressIntervalMs, moduleSegments, load, buttonsOf, audienceOf, localeOf, wrongStatus, toRow, parseInput, segmentNamed, render, reachableFor, resolveAudience, counts, progressOf, progressScreen, progressLocale, refreshProgress, recordTotals };
}

/** What the broadcasts use cases share. */
export type BroadcastsCore = ReturnType<typeof createBroadcastsCore>;
