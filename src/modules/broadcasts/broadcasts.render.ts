/*
 * Rendering a broadcast: its button rows and the message one recipient gets.
 */
import type { Locale } from '../../config/business.ts';
import type { OutboxMethod } from '../../delivery/outbox.ts';
import type { BroadcastButton, BroadcastRow } from './broadcasts.tables.ts';
import { TRACKED_BUTTON_PREFIX, UNSUBSCRIBE_PREFIX, type BroadcastsServiceDeps } from './broadcasts.shared.ts';

/** A broadcast's button rows, as stored. */
export const buttonsOf = (row: BroadcastRow): BroadcastButton[][] => JSON.parse(row.buttons) as BroadcastButton[][];

/** The message one recipient gets, in their language (only the unsubscribe label differs). */
export function renderBroadcast(
  deps: Pick<BroadcastsServiceDeps, 'i18n' | 'paidBroadcastAllowed'>,
  row: BroadcastRow,
  locale: Locale,
): { method: OutboxMethod; payload: Record<string, unknown> } {
  let index = 0;
  const keyboard: Record<string, string>[][] = buttonsOf(row).map((buttonRow) =>
    buttonRow.map((button) => {
      const current = index++;
      const key: Record<string, string> =
        'url' in button ? { text: button.text, url: button.url } : { text: button.text, callback_data: `${TRACKED_BUTTON_PREFIX}${row.id}:${current}` };
      return key;
    }),
  );
  if (row.unsubscribe_button) keyboard.push([{ text: deps.i18n.t(locale, 'broadcasts-unsubscribe-button'), callback_data: `${UNSUBSCRIBE_PREFIX}${row.id}` }]);
  const entities = row.entities ? (JSON.parse(row.entities) as unknown[]) : undefined;
  const formatting = row.photo
    ? { caption: row.text, ...(entities ? { caption_entities: entities } : {}) }
    : { text: row.text, ...(entities ? { entities } : {}) };
  const payload: Record<string, unknown> = {
    ...(row.photo ? { photo: row.photo } : {}),
    ...formatting,
    ...(row.parse_mode ? { parse_mode: row.parse_mode } : {}),
    ...(keyboard.length > 0 ? { reply_markup: { inline_keyboard: keyboard } } : {}),
    ...(row.paid && deps.paidBroadcastAllowed ? { allow_paid_broadcast: true } : {}),
  };
  return { method: row.photo ? 'sendPhoto' : 'sendMessage', payload };
}
