// One SSE connection to the simulator for the whole page: the open chat and the user list's
// unread counters all listen to it. (One stream per chat would run into the browser's limit
// of six connections per host over HTTP/1.1.) EventSource reconnects after a drop by itself;
// when the server refuses the stream outright it is reopened here with back-off. Listeners
// hear each event once, in order, and are told about every (re)connect so they can take a
// fresh snapshot of what they show.

import type { SimEvent } from '../api/types.ts';

/** The live link to the server. */
export type ConnectionState = 'connecting' | 'live' | 'offline';

/** Event types the simulator streams; named SSE events only reach listeners for their name. */
const EVENT_TYPES = ['message', 'edit', 'delete', 'callback_answer', 'chat_action', 'reply_keyboard', 'invoice_paid', 'refund', 'pre_checkout', 'blocked', 'member'];

/** A shared, self-healing event stream. */
export interface EventStream {
  subscribe(listener: (event: SimEvent) => void): () => void;
  /** Called after every successful (re)connect. */
  onConnect(listener: () => void): () => void;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  connection(): ConnectionState;
  close(): void;
}

/** Opens the stream at `url` and keeps it open until close(). */
export function openEventStream(url: string): EventStream {
  const listeners = new Set<(event: SimEvent) => void>();
  const connectListeners = new Set<() => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let source: EventSource | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelayMs = 500;
  let lastSeq = 0;
  let closed = false;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of [...stateListeners]) listener(next);
  };

  const receive = (message: MessageEvent<string>): void => {
    const event = parseEvent(message.data);
    // The same event can come twice around a reconnect; seq is global and increasing.
    if (!event || event.seq <= lastSeq) return;
    lastSeq = event.seq;
    for (const listener of [...listeners]) listener(event);
  };

  const connect = (): void => {
    if (closed) return;
    const stream = new EventSource(url);
    source = stream;
    stream.onmessage = receive;
    for (const type of EVENT_TYPES) stream.addEventListener(type, receive as EventListener);
    stream.onopen = () => {
      retryDelayMs = 500;
      setState('live');
      for (const listener of [...connectListeners]) listener();
    };
    stream.onerror = () => {
      if (stream.readyState !== EventSource.CLOSED) {
        setState('connecting');
        return;
      }
      // Refused (Lavka restarting, or stopped): try again, more slowly each time.
      setState('offline');
      stream.close();
      retryTimer = setTimeout(connect, retryDelayMs);
      retryDelayMs = Math.min(retryDelayMs * 2, 10_000);
    };
  };
  connect();

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onConnect(listener) {
      connectListeners.add(listener);
      return () => connectListeners.delete(listener);
    },
    onConnectionChange(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    connection: () => state,
    close() {
      closed = true;
      clearTimeout(retryTimer);
      source?.close();
    },
  };
}

function parseEvent(data: string): SimEvent | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null && 'type' in value && 'seq' in value && 'chatId' in value ? (value as SimEvent) : undefined;
  } catch {
    return undefined;
  }
}
