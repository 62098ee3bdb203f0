import { z } from 'zod';

// The shape of the updates Lavka handles, as the Bot API documents them, for every field a
// handler reads or a repository writes. Telegram itself never sends anything else, but a
// webhook is an open door and a bug elsewhere must not turn into a half-written record: an
// update that does not fit is refused before anything is read or written. Objects stay open
// (`looseObject`): Telegram adds fields with every Bot API version, and unknown fields are
// ignored, never stored.

const int = z.number().int().safe();
const nonNegative = int.nonnegative();
const id = z.string().min(1).max(256);
/** Telegram's own limits on names are 64 characters; leave room, refuse what is absurd. */
const name = z.string().max(256);
const currency = z.string().regex(/^[A-Z]{3}$/, 'a three-letter currency code');
const utf8Bytes = (max: number) => z.string().refine((value) => Buffer.byteLength(value, 'utf8') <= max, `at most ${max} bytes`);

const user = z.looseObject({
  id: int.positive(),
  is_bot: z.boolean(),
  first_name: name,
  last_name: name.optional(),
  username: name.optional(),
  language_code: z.string().max(35).optional(),
  is_premium: z.boolean().optional(),
});

const chat = z.looseObject({
  id: int,
  type: z.enum(['private', 'group', 'supergroup', 'channel']),
  title: name.optional(),
  username: name.optional(),
  first_name: name.optional(),
  last_name: name.optional(),
});

const entity = z.looseObject({ type: z.string().max(64), offset: nonNegative, length: nonNegative, url: z.string().optional() });
const file = z.looseObject({ file_id: id, file_unique_id: id, file_size: nonNegative.optional() });
const photoSize = file.extend({ width: nonNegative, height: nonNegative });

const successfulPayment = z.looseObject({
  currency,
  total_amount: int.positive(),
  invoice_payload: z.string().max(128),
  telegram_payment_charge_id: id,
  provider_payment_charge_id: z.string().max(256),
  shipping_option_id: z.string().max(256).optional(),
  subscription_expiration_date: int.optional(),
  is_recurring: z.boolean().optional(),
  is_first_recurring: z.boolean().optional(),
});

const refundedPayment = z.looseObject({
  currency,
  total_amount: int.positive(),
  invoice_payload: z.string().max(128),
  telegram_payment_charge_id: id,
  provider_payment_charge_id: z.string().max(256).optional(),
});

const messageFields = {
  message_id: int,
  date: nonNegative,
  chat,
  from: user.optional(),
  sender_chat: chat.optional(),
  text: z.string().max(8192).optional(),
  caption: z.string().max(4096).optional(),
  entities: z.array(entity).optional(),
  caption_entities: z.array(entity).optional(),
  contact: z
    .looseObject({ phone_number: z.string().max(64), first_name: name, last_name: name.optional(), user_id: int.positive().optional() })
    .optional(),
  document: file.extend({ file_name: z.string().max(1024).optional(), mime_type: z.string().max(255).optional() }).optional(),
  photo: z.array(photoSize).optional(),
  video: file.optional(),
  voice: file.optional(),
  audio: file.optional(),
  animation: file.optional(),
  sticker: file.optional(),
  video_note: file.optional(),
  location: z.looseObject({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).optional(),
  web_app_data: z.looseObject({ data: z.string().max(4096), button_text: z.string().max(256) }).optional(),
  successful_payment: successfulPayment.optional(),
  refunded_payment: refundedPayment.optional(),
  media_group_id: z.string().max(256).optional(),
  migrate_to_chat_id: int.optional(),
  migrate_from_chat_id: int.optional(),
  new_chat_members: z.array(user).optional(),
  left_chat_member: user.optional(),
};

/** A message as a reply points at it: one level deep, as Telegram sends it. */
const quotedMessage = z.looseObject(messageFields);
const message = z.looseObject({ ...messageFields, reply_to_message: quotedMessage.optional() });

const callbackQuery = z.looseObject({
  id,
  from: user,
  // An inaccessible message (too old) has `date: 0` and only the chat and id: still fits.
  message: message.optional(),
  inline_message_id: z.string().max(256).optional(),
  chat_instance: z.string().max(256),
  data: utf8Bytes(64).optional(),
  game_short_name: z.string().max(256).optional(),
});

const preCheckoutQuery = z.looseObject({
  id,
  from: user,
  currency,
  total_amount: int.positive(),
  invoice_payload: z.string().max(128),
  shipping_option_id: z.string().max(256).optional(),
  order_info: z.looseObject({}).optional(),
});

const chatMember = z.looseObject({ status: z.enum(['creator', 'administrator', 'member', 'restricted', 'left', 'kicked']), user });
const chatMemberUpdated = z.looseObject({ chat, from: user, date: nonNegative, old_chat_member: chatMember, new_chat_member: chatMember });

const inlineQuery = z.looseObject({ id, from: user, query: z.string().max(512), offset: z.string().max(256), chat_type: z.string().max(32).optional() });

/** The schema of each update kind Lavka handles. */
const KIND_SCHEMAS: Record<string, z.ZodType> = {
  message,
  edited_message: message,
  callback_query: callbackQuery,
  pre_checkout_query: preCheckoutQuery,
  my_chat_member: chatMemberUpdated,
  chat_member: chatMemberUpdated,
  inline_query: inlineQuery,
};

/** Why an update was refused. */
export interface UpdateRefusal {
  kind: string;
  /** `path: problem`, a few at most, for the log. */
  problems: string[];
}

/**
 * Checks an incoming update against the Bot API's shapes. Returns undefined when it fits,
 * or what does not fit. An update of a kind Lavka does not handle fits if it is one object
 * (grammY simply passes it by).
 */
export function checkUpdate(update: unknown): UpdateRefusal | undefined {
  if (typeof update !== 'object' || update === null || Array.isArray(update)) return { kind: 'unknown', problems: ['the update is not an object'] };
  const record = update as Record<string, unknown>;
  const kinds = Object.keys(record).filter((key) => key !== 'update_id');
  const kind = kinds[0] ?? 'unknown';
  const problems: string[] = [];
  if (!nonNegative.safeParse(record.update_id).success) problems.push('update_id: a non-negative integer');
  if (kinds.length !== 1) problems.push(`one update kind expected, got ${kinds.length}`);
  const payload = record[kind];
  const schema = KIND_SCHEMAS[kind];
  if (schema) {
    const result = schema.safeParse(payload);
    if (!result.success) {
      problems.push(...result.error.issues.slice(0, 5).map((issue) => `${[kind, ...issue.path.map(String)].join('.')}: ${issue.message}`));
    }
  } else if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    problems.push(`${kind}: an object`);
  }
  return problems.length > 0 ? { kind, problems } : undefined;
}
