// What a message bubble can ask the chat to do. Passed through context so that deeply nested
// pieces (a button inside a keyboard inside a bubble) do not need props threaded through.

import { createContext, useContext } from 'react';
import type { ApiInlineButton, ViewMessage } from '../api/types.ts';

/** Actions on the current chat, provided by ChatPane. */
export interface ChatActions {
  /** Presses an inline button under `message`. */
  pressInline(message: ViewMessage, button: ApiInlineButton, key: string): void;
  /** Sends a text (a /command pressed in a bot message). */
  sendText(text: string): void;
  /** Opens the payment sheet of an invoice message. */
  openInvoice(message: ViewMessage): void;
  /** Shows a photo full size. */
  openPhoto(src: string, alt: string): void;
  /** The URL of a stored file. */
  fileUrl(fileId: string): string;
  /** The inline button waiting for the bot's answer (Telegram shows a spinner on it). */
  pendingButtonKey: string | null;
  /** The viewer's language, for amounts and dates as their Telegram app would show them. */
  languageCode: string;
  /** Invoice messages already paid. */
  paidInvoices: readonly number[];
}

/** The context carrying {@link ChatActions}; ChatPane provides it. */
export const ChatActionsContext = createContext<ChatActions | null>(null);

/** The chat's actions; only valid inside ChatPane. */
export function useChatActions(): ChatActions {
  const actions = useContext(ChatActionsContext);
  if (!actions) throw new Error('useChatActions is used outside ChatPane');
  return actions;
}
