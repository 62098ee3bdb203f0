// Shapes the simulator's control API sends. They are the simulator's own types, imported so
// that the page and the simulator cannot drift apart.

export type { ApiEntity, ApiInlineButton, ApiInlineKeyboard, ApiKeyboardButton, ApiMessage, ApiPhotoSize, ApiReplyKeyboard, ApiUser } from '../../../../src/sim/api-types.ts';
export type { CallbackAnswer, ChatView, ViewMessage } from '../../../../src/sim/chat-types.ts';
export type { SimEvent } from '../../../../src/sim/event-bus.ts';

/** A command as the "/" menu lists it. */
export interface BotCommand {
  command: string;
  description: string;
}
