// One chat as the page shows it, and how each simulator event changes it. Every step is
// idempotent (upserts by message id), so events may be replayed over a fresh snapshot after a
// reconnect without showing anything twice.

import type { ApiReplyKeyboard, ChatView, SimEvent, ViewMessage } from '../api/types.ts';

/** How long a chat action shows without being renewed (Telegram: 5 s, or until a message). */
export const CHAT_ACTION_TTL_MS = 5000;

/** The chat on screen. */
export interface ChatState {
  loaded: boolean;
  /** Messages in id order, after edits and deletions. */
  messages: ViewMessage[];
  replyKeyboard: ApiReplyKeyboard | null;
  /** A one-time keyboard folds away after use; the user can open it again. */
  keyboardCollapsed: boolean;
  /** "typing", "upload_photo"… with the local time it stops showing. */
  action: { name: string; untilMs: number } | null;
  blocked: boolean;
}

/** A chat before its snapshot arrives. */
export const EMPTY_CHAT: ChatState = {
  loaded: false,
  messages: [],
  replyKeyboard: null,
  keyboardCollapsed: false,
  action: null,
  blocked: false,
};

/** Changes the page makes to a chat. */
export type ChatStep =
  | { kind: 'snapshot'; view: ChatView }
  | { kind: 'event'; event: SimEvent; nowMs: number }
  | { kind: 'toggle_keyboard' }
  | { kind: 'expire_action'; nowMs: number }
  | { kind: 'reset' };

/** Applies one step to the chat. */
export function chatReducer(state: ChatState, step: ChatStep): ChatState {
  switch (step.kind) {
    case 'reset':
      return EMPTY_CHAT;
    case 'snapshot': {
      const { view } = step;
      return {
        ...state,
        loaded: true,
        messages: [...view.messages].sort((a, b) => a.message_id - b.message_id),
        replyKeyboard: view.replyKeyboard,
        keyboardCollapsed: view.replyKeyboardCollapsed,
        blocked: view.blocked,
        // The snapshot's lastChatAction has no place in the message order, so it cannot tell
        // whether a message already ended it; only live chat_action events show "typing…".
        action: state.action,
      };
    }
    case 'toggle_keyboard':
      return { ...state, keyboardCollapsed: !state.keyboardCollapsed };
    case 'expire_action':
      return state.action && state.action.untilMs <= step.nowMs ? { ...state, action: null } : state;
    case 'event':
      return applyEvent(state, step.event, step.nowMs);
  }
}

function applyEvent(state: ChatState, event: SimEvent, nowMs: number): ChatState {
  switch (event.type) {
    case 'message':
      return {
        ...state,
        messages: upsert(state.messages, event.message),
        // A message from the bot ends its "typing…", as in Telegram.
        action: event.message.from_bot ? null : state.action,
      };
    case 'edit':
      return { ...state, messages: upsert(state.messages, event.message) };
    case 'delete':
      return { ...state, messages: state.messages.filter((message) => message.message_id !== event.messageId) };
    case 'chat_action':
      return { ...state, action: event.action === 'cancel' ? null : { name: event.action, untilMs: nowMs + CHAT_ACTION_TTL_MS } };
    case 'reply_keyboard':
      return { ...state, replyKeyboard: event.keyboard, keyboardCollapsed: false };
    case 'blocked':
      return { ...state, blocked: event.blocked };
    default:
      return state;
  }
}

function upsert(messages: ViewMessage[], message: ViewMessage): ViewMessage[] {
  const index = messages.findIndex((item) => item.message_id === message.message_id);
  if (index >= 0) return messages.map((item, i) => (i === index ? message : item));
  const next = [...messages, message];
  // Events normally arrive in order; a replay after reconnect may not.
  if (messages.length > 0 && (messages.at(-1)?.message_id ?? 0) > message.message_id) next.sort((a, b) => a.message_id - b.message_id);
  return next;
}

/**
 * Invoice messages that a later payment in the chat settled. The simulator records payments as
 * successful_payment messages without naming the invoice, so each payment is matched to the
 * closest earlier unpaid invoice with the same currency and total, as a person reading the
 * chat would.
 */
export function paidInvoiceIds(messages: readonly ViewMessage[]): number[] {
  const paid: number[] = [];
  messages.forEach((message, index) => {
    const payment = message.successful_payment as { currency?: unknown; total_amount?: unknown } | undefined;
    if (!payment || message.from_bot) return;
    for (let i = index - 1; i >= 0; i -= 1) {
      const candidate = messages[i];
      const invoice = candidate?.invoice;
      if (!candidate || !invoice || paid.includes(candidate.message_id)) continue;
      if (invoice.currency === payment.currency && invoice.total_amount === payment.total_amount) {
        paid.push(candidate.message_id);
        break;
      }
    }
  });
  return paid;
}
