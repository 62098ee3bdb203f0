// How the integration API and its webhooks write values, the same in every resource.
import { z } from 'zod';

/** A moment as the integration API writes it: ISO 8601 in UTC (`2026-12-06T09:30:00.000Z`), null kept null. */
export function isoTime<T extends number | null>(ms: T): T extends number ? string : string | null {
  return (ms === null ? null : new Date(ms).toISOString()) as T extends number ? string : string | null;
}

/**
 * A back end's own id of a Lavka record, as PATCH takes it: 1–64 characters, unique among the
 * resource's records; null clears it. Stored in each resource's `varchar(64)` unique column.
 */
export function externalIdInput(resource: string) {
  return z.string().trim().min(1).max(64).nullable().describe(`The ${resource}'s id in your system; unique among ${resource}s; null clears it`);
}

/** The `external_id=` filter of a list: the record with exactly this id of yours. */
export const externalIdFilter = z.string().min(1).max(64).optional().describe('Only the record with this id of yours');
