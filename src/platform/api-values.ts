// How the integration API and its webhooks write values, the same in every resource.

/** A moment as the integration API writes it: ISO 8601 in UTC (`2026-12-06T09:30:00.000Z`), null kept null. */
export function isoTime<T extends number | null>(ms: T): T extends number ? string : string | null {
  return (ms === null ? null : new Date(ms).toISOString()) as T extends number ? string : string | null;
}
