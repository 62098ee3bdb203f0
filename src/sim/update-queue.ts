// The bot's pending updates and the getUpdates long poll over them. Updates stay queued until
// a later getUpdates confirms them with a higher offset (or a webhook delivery succeeds).
// Only one poll may wait at a time: a newer one ends the older with 409, as on Telegram.

import { ApiError } from './api-error.ts';
import type { ApiUpdate } from './api-types.ts';

/** Update kinds Telegram leaves out unless asked for explicitly. */
const OPT_IN_KINDS = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

/** Parameters of one getUpdates call, already validated. */
export interface PollRequest {
  offset?: number | undefined;
  limit?: number | undefined;
  timeoutSec?: number | undefined;
  allowedUpdates?: string[] | undefined;
}

/** The update queue. */
export interface UpdateQueue {
  /** Queues an update unless allowed_updates filters its kind out; returns it when queued. */
  push(kind: string, payload: unknown): ApiUpdate | undefined;
  poll(request: PollRequest, signal?: AbortSignal): Promise<ApiUpdate[]>;
  /** Ends a waiting poll with the given error (setWebhook, a newer poll). */
  terminatePoll(error: ApiError): void;
  peek(): ApiUpdate | undefined;
  /** Drops every update with id ≤ updateId. */
  confirm(updateId: number): void;
  dropAll(): void;
  pendingCount(): number;
  setAllowedUpdates(kinds: string[] | undefined): void;
  allowedUpdates(): string[] | undefined;
  /** Called after every push (the webhook pusher listens). */
  onPush(listener: () => void): () => void;
  close(): void;
}

interface WaitingPoll {
  finish(result: ApiUpdate[] | ApiError): void;
}

/** Creates an empty queue; `longPollMaxMs` caps how long a poll may wait, `firstUpdateId` is the first id given. */
export function createUpdateQueue(options: { longPollMaxMs: number; firstUpdateId?: number; onCreated?: () => void }): UpdateQueue {
  let updates: ApiUpdate[] = [];
  let nextUpdateId = options.firstUpdateId ?? 1;
  let allowed: string[] | undefined;
  let waiting: WaitingPoll | undefined;
  let waitingLimit = 100;
  let closed = false;
  const pushListeners = new Set<() => void>();

  const isAllowed = (kind: string): boolean =>
    allowed === undefined || allowed.length === 0 ? !OPT_IN_KINDS.has(kind) : allowed.includes(kind);
  const take = (limit: number): ApiUpdate[] => structuredClone(updates.slice(0, limit));

  const queue: UpdateQueue = {
    push(kind, payload) {
      if (closed || !isAllowed(kind)) return undefined;
      const update: ApiUpdate = { update_id: nextUpdateId++, [kind]: structuredClone(payload) };
      updates.push(update);
      options.onCreated?.();
      waiting?.finish(take(waitingLimit));
      for (const listener of [...pushListeners]) listener();
      return update;
    },

    poll(request, signal) {
      if (waiting) {
        waiting.finish(
          new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'),
        );
      }
      if (request.allowedUpdates !== undefined) allowed = request.allowedUpdates;
      const offset = request.offset ?? 0;
      if (offset < 0) {
        updates = updates.slice(Math.max(0, updates.length + offset));
      } else if (offset > 0) {
        updates = updates.filter((u) => u.update_id >= offset);
      }
      const limit = Math.min(100, Math.max(1, request.limit ?? 100));
      const ready = take(limit);
      const waitMs = Math.min(Math.max(0, request.timeoutSec ?? 0) * 1000, options.longPollMaxMs);
      if (ready.length > 0 || waitMs <= 0 || closed) return Promise.resolve(ready);

      return new Promise<ApiUpdate[]>((resolve, reject) => {
        const poll: WaitingPoll = {
          finish(result) {
            if (waiting !== poll) return;
            waiting = undefined;
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            if (result instanceof ApiError) reject(result);
            else resolve(result);
          },
        };
        const onAbort = (): void => poll.finish([]);
        const timer = setTimeout(() => poll.finish([]), waitMs);
        waiting = poll;
        waitingLimit = limit;
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },

    terminatePoll(error) {
      waiting?.finish(error);
    },
    peek() {
      return updates[0] ? structuredClone(updates[0]) : undefined;
    },
    confirm(updateId) {
      updates = updates.filter((u) => u.update_id > updateId);
    },
    dropAll() {
      updates = [];
    },
    pendingCount() {
      return updates.length;
    },
    setAllowedUpdates(kinds) {
      allowed = kinds;
    },
    allowedUpdates() {
      return allowed;
    },
    onPush(listener) {
      pushListeners.add(listener);
      return () => pushListeners.delete(listener);
    },
    close() {
      closed = true;
      waiting?.finish([]);
      pushListeners.clear();
    },
  };
  return queue;
}
