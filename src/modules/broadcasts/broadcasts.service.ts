import type { AudienceSegment } from '../module.ts';
import { createBroadcastsCore, type SegmentOption, type BroadcastsServiceDeps } from './broadcasts.core.ts';
import { createBroadcastsDrafts } from './broadcasts.drafts.ts';
import { createBroadcastsResults } from './broadcasts.results.ts';
import { createBroadcastsSending } from './broadcasts.sending.ts';

export {
  BroadcastError,
  START_BROADCAST_JOB,
  TRACKED_BUTTON_PREFIX,
  UNSUBSCRIBE_PREFIX,
  formatDuration,
  type Audience,
  type BroadcastAnalytics,
  type BroadcastProgress,
  type BroadcastsServiceDeps,
  type SegmentOption,
} from './broadcasts.core.ts';

/**
 * Broadcasts: compose, choose an audience, preview, send now or at a time, pause, resume,
 * cancel; progress edited into one admin message; analytics per broadcast. Recipients are
 * outbox rows (priority `bulk`), so broadcasts obey the rate limits and survive crashes.
 */
export function createBroadcastsService(deps: BroadcastsServiceDeps) {
  const core = createBroadcastsCore(deps);
  const { repository, moduleSegments } = core;
  const service = {
    /** Segments from other modules (orders: "ordered within N days", wallet: balance…). */
    useSegments(segments: readonly AudienceSegment[]): void {
      moduleSegments.splice(0, moduleSegments.length, ...segments);
    },

    /** What the composer offers: the module segments (everyone/language/tag/ids are built in). */
    segments(): SegmentOption[] {
      return moduleSegments.map(({ name, label, parameter }) => ({ name, label, parameter }));
    },

    get: (id: number) => repository.findById(id),
    list: (limit = 50) => repository.list(limit),
    /** Newest first, a page at a time, by status or the business's own id. */
    page: repository.page,

    resubscribe: repository.resubscribe,

    /** The business time zone now, in which owners type send times (the owner may change it). */
    get timeZone(): string {
      return deps.config.business.timeZone;
    },
    ...createBroadcastsDrafts(core),
    ...createBroadcastsSending(core),
    ...createBroadcastsResults(core),
  };
  return service;
}



/** The broadcasts service's shape. */
export type BroadcastsService = ReturnType<typeof createBroadcastsService>;
