// Pieces shared by the HTML, MarkdownV2 and legacy Markdown parsers: link resolution,
// Telegram's entity order, and the whitespace trimming Telegram applies to every text.

import type { ApiEntity, ApiUser } from './api-types.ts';

/** Looks up a user for `tg://user?id=` links; undefined drops the mention. */
export type UserResolver = (userId: number) => ApiUser | undefined;

/** Plain text plus entities, offsets in UTF-16 code units. */
export interface FormattedText {
  text: string;
  entities: ApiEntity[];
}

/** Thrown by the parsers; the message is what follows "can't parse entities: ". */
export class EntityParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EntityParseError';
  }
}

// tdlib orders entities by offset, then longer first, then by this per-type priority.
const TYPE_PRIORITY: Record<string, number> = {
  blockquote: 0,
  expandable_blockquote: 0,
  pre: 11,
  code: 20,
  text_link: 49,
  text_mention: 49,
  bold: 90,
  italic: 91,
  underline: 92,
  strikethrough: 93,
  spoiler: 94,
  custom_emoji: 99,
};

/** Sorts entities the way Telegram returns them. */
export function sortEntities(entities: ApiEntity[]): ApiEntity[] {
  return [...entities].sort(
    (a, b) => a.offset - b.offset || b.length - a.length || (TYPE_PRIORITY[a.type] ?? 50) - (TYPE_PRIORITY[b.type] ?? 50),
  );
}

/**
 * Turns an href into a text_link or text_mention, or undefined when Telegram would drop it
 * (an unparsable URL, or a mention of a user the bot cannot see).
 */
export function linkEntity(
  href: string,
  offset: number,
  length: number,
  resolveUser: UserResolver,
): ApiEntity | undefined {
  const mention = /^tg:\/\/user\?id=(\d+)$/i.exec(href.trim());
  if (mention) {
    const user = resolveUser(Number(mention[1]));
    return user ? { type: 'text_mention', offset, length, user } : undefined;
  }
  const url = normalizeLink(href);
  return url ? { type: 'text_link', offset, length, url } : undefined;
}

/** Telegram's link check: known schemes pass, bare domains get http://, the rest is rejected. */
export function normalizeLink(href: string): string | undefined {
  const trimmed = href.trim();
  if (trimmed === '') return undefined;
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed);
  if (hasScheme && !/^https?:/i.test(trimmed)) {
    return /^(tg|ton|mailto|tel):/i.test(trimmed) ? trimmed : undefined;
  }
  try {
    const url = new URL(hasScheme ? trimmed : `http://${trimmed}`);
    if (!url.hostname.includes('.') && url.hostname !== 'localhost') return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

// tdlib's is_space: ASCII blanks only, so non-breaking spaces survive.
const TRIMMABLE = /[ \t\r\n\v\f]/;

/**
 * Drops leading and trailing whitespace and shifts/clips entities to match, removing any that
 * end up empty — Telegram never stores a message with surrounding blanks.
 */
export function trimFormatted(input: FormattedText): FormattedText {
  let start = 0;
  let end = input.text.length;
  while (start < end && TRIMMABLE.test(input.text[start] ?? '')) start++;
  while (end > start && TRIMMABLE.test(input.text[end - 1] ?? '')) end--;
  const entities: ApiEntity[] = [];
  for (const entity of input.entities) {
    const from = Math.max(entity.offset, start);
    const to = Math.min(entity.offset + entity.length, end);
    if (to <= from) continue;
    entities.push({ ...entity, offset: from - start, length: to - from });
  }
  return { text: input.text.slice(start, end), entities: sortEntities(entities) };
}

/** Byte offset (UTF-8) of a UTF-16 index, as tdlib reports positions in error messages. */
export function byteOffset(source: string, index: number): number {
  return Buffer.byteLength(source.slice(0, index), 'utf8');
}
