// Every change a chat view shows is announced here, so the SSE stream, SimUser.waitForMessage
// and tests can react without polling.

import type { ApiInlineKeyboard, ApiReplyKeyboard, JsonObject } from './api-types.ts';
import type { CallbackAnswer, ViewMessage } from './chat-types.ts';

/** A change in one chat, as seen by a user watching it. */
export type SimEventBody =
  | { type: 'message'; chatId: number; message: ViewMessage }
  | { type: 'edit'; chatId: number; message: ViewMessage }
  | { type: 'delete'; chatId: number; messageId: number }
  | { type: 'callback_answer'; chatId: number; answer: CallbackAnswer }
  | { type: 'chat_action'; chatId: number; action: string; at: number }
  | { type: 'reply_keyboard'; chatId: number; keyboard: ApiReplyKeyboard | null; inlineKeyboard?: ApiInlineKeyboard }
  | { type: 'invoice_paid'; chatId: number; payment: JsonObject; messageId: number }
  | { type: 'refund'; chatId: number; chargeId: string; userId: number }
  | { type: 'pre_checkout'; chatId: number; queryId: string; ok: boolean; errorMessage?: string }
  | { type: 'blocked'; chatId: number; blocked: boolean }
  | { type: 'member'; chatId: number; userId: number; status: string };

/** An event with its global sequence number and the simulator clock time (ms). */
export type SimEvent = SimEventBody & { seq: number; at: number };

/** Subscribe to simulator events; `subscribe` returns the unsubscribe function. */
export interface SimEventBus {
  subscribe(listener: (event: SimEvent) => void): () => void;
  /** Resolves with the next event matching `predicate`; rejects after `timeoutMs`. */
  waitFor(predicate: (event: SimEvent) => boolean, options?: { timeoutMs?: number }): Promise<SimEvent>;
  /** The sequence number of the latest event (0 before any). */
  lastSeq(): number;
  /** Runs `listener` once when the simulator closes (SSE streams end then). */
  onClose(listener: () => void): () => void;
}

/** The bus plus the emitting side the simulator keeps to itself. */
export interface SimEventHub extends SimEventBus {
  emit(event: SimEventBody): SimEvent;
  close(): void;
}

/** Creates an event hub stamping events with `clock()`. */
export function createEventHub(clock: () => number): SimEventHub {
  const listeners = new Set<(event: SimEvent) => void>();
  const pendingWaits = new Set<() => void>();
  const closeListeners = new Set<() => void>();
  let closed = false;
  let seq = 0;

  const hub: SimEventHub = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waitFor(predicate, options = {}) {
      const timeoutMs = options.timeoutMs ?? 5000;
      return new Promise<SimEvent>((resolve, reject) => {
        const finish = (): void => {
          clearTimeout(timer);
          unsubscribe();
          pendingWaits.delete(cancel);
        };
        const cancel = (): void => {
          finish();
          reject(new Error('simulator closed while waiting for an event'));
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no matching simulator event within ${timeoutMs} ms`));
        }, timeoutMs);
        const unsubscribe = hub.subscribe((event) => {
          if (!predicate(event)) return;
          finish();
          resolve(event);
        });
        pendingWaits.add(cancel);
      });
    },
    lastSeq() {
      return seq;
    },
    onClose(listener) {
      if (closed) {
        listener();
        return () => undefined;
      }
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    emit(body) {
      seq += 1;
      const event = { ...body, seq, at: clock() } as SimEvent;
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          // One broken listener (say, a closed SSE socket) must not stop the others.
          console.error('simulator event listener failed', error);
        }
      }
      return event;
    },
    close() {
      closed = true;
      for (const cancel of [...pendingWaits]) cancel();
      listeners.clear();
      for (const listener of [...closeListeners]) listener();
      closeListeners.clear();
    },
  };
  return hub;
}
