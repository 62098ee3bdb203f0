// Keeps one chat on screen up to date: a snapshot from GET /sim/chats/:id, then every change
// from the shared event stream. Each (re)connect takes a fresh snapshot, so nothing missed
// while offline stays missing; events that arrive while a snapshot loads are replayed on top.

import { useEffect, useReducer, useRef } from 'react';
import type { SimClient } from '../api/client.ts';
import type { SimEvent } from '../api/types.ts';
import { CHAT_ACTION_TTL_MS, EMPTY_CHAT, chatReducer, type ChatState } from './chat-state.ts';
import type { EventStream } from './event-stream.ts';

/** The chat and the local changes the page can make to it. */
export interface LiveChat {
  chat: ChatState;
  /** Fold or unfold the reply keyboard. */
  toggleKeyboard(): void;
}

/**
 * Follows chat `chatId`. `onEvent` hears each of the chat's events once, after the chat state
 * has taken it in (toasts for callback answers); `onError` hears failed snapshots.
 */
export function useChat(
  client: SimClient,
  stream: EventStream,
  chatId: number,
  onEvent: (event: SimEvent) => void,
  onError: (message: string) => void,
): LiveChat {
  const [chat, dispatch] = useReducer(chatReducer, EMPTY_CHAT);
  const handlers = useRef({ onEvent, onError });
  handlers.current = { onEvent, onError };

  useEffect(() => {
    dispatch({ kind: 'reset' });
    let stopped = false;
    let generation = 0;
    const buffers = new Set<SimEvent[]>();

    const takeSnapshot = async (): Promise<void> => {
      const mine = ++generation;
      const buffer: SimEvent[] = [];
      buffers.add(buffer);
      try {
        const view = await client.chat(chatId);
        // A newer snapshot is on its way; this one may already be out of date.
        if (stopped || mine !== generation) return;
        dispatch({ kind: 'snapshot', view });
        for (const event of buffer) dispatch({ kind: 'event', event, nowMs: Date.now() });
      } catch (caught) {
        if (!stopped && mine === generation) handlers.current.onError((caught as Error).message);
      } finally {
        buffers.delete(buffer);
      }
    };

    const unsubscribe = stream.subscribe((event) => {
      if (event.chatId !== chatId) return;
      for (const buffer of buffers) buffer.push(event);
      dispatch({ kind: 'event', event, nowMs: Date.now() });
      handlers.current.onEvent(event);
    });
    const unsubscribeConnect = stream.onConnect(() => void takeSnapshot());
    void takeSnapshot();
    const expiry = setInterval(() => dispatch({ kind: 'expire_action', nowMs: Date.now() }), CHAT_ACTION_TTL_MS / 5);
    return () => {
      stopped = true;
      unsubscribe();
      unsubscribeConnect();
      clearInterval(expiry);
    };
  }, [client, stream, chatId]);

  return {
    chat,
    toggleKeyboard: () => dispatch({ kind: 'toggle_keyboard' }),
  };
}
