// Turns what a bot sends (text + parse_mode or explicit entities) into what Telegram stores:
// plain text and entities with UTF-16 offsets, trimmed, with auto-detected entities added.

import { badRequest } from './api-error.ts';
import type { ApiEntity } from './api-types.ts';
import { withDetectedEntities } from './auto-entities.ts';
import { EntityParseError, sortEntities, trimFormatted } from './format-entities.ts';
import type { FormattedText, UserResolver } from './format-entities.ts';
import { parseHtml } from './format-html.ts';
import { parseMarkdownLegacy } from './format-markdown-legacy.ts';
import { parseMarkdownV2 } from './format-markdown-v2.ts';

export type { FormattedText, UserResolver } from './format-entities.ts';
export { parseHtml } from './format-html.ts';
export { parseMarkdownV2 } from './format-markdown-v2.ts';
export { parseMarkdownLegacy } from './format-markdown-legacy.ts';

/** How a piece of text arrived: its parse_mode and/or explicit entities. */
export interface FormatInput {
  parseMode?: string | undefined;
  entities?: ApiEntity[] | undefined;
  resolveUser: UserResolver;
}

const ENTITY_TYPES = new Set([
  'mention', 'hashtag', 'cashtag', 'bot_command', 'url', 'email', 'phone_number', 'bold', 'italic', 'underline', 'strikethrough',
  'spoiler', 'blockquote', 'expandable_blockquote', 'code', 'pre', 'text_link', 'text_mention', 'custom_emoji', 'date_time',
]);

/**
 * Parses `raw` the way Telegram does; throws ApiError "can't parse entities: …" on bad
 * markup or "unsupported parse_mode" for an unknown mode.
 */
export function formatText(raw: string, input: FormatInput): FormattedText {
  let parsed: FormattedText;
  if (input.entities !== undefined) {
    // Explicit entities win over parse_mode, as in the Bot API.
    parsed = { text: raw, entities: cleanEntities(raw, input.entities) };
  } else {
    parsed = parseWithMode(raw, input.parseMode, input.resolveUser);
  }
  const trimmed = trimFormatted(parsed);
  return { text: trimmed.text, entities: withDetectedEntities(trimmed.text, trimmed.entities) };
}

function parseWithMode(raw: string, parseMode: string | undefined, resolveUser: UserResolver): FormattedText {
  const mode = (parseMode ?? '').toLowerCase();
  try {
    switch (mode) {
      case '':
        return { text: raw, entities: [] };
      case 'html':
        return parseHtml(raw, resolveUser);
      case 'markdownv2':
        return parseMarkdownV2(raw, resolveUser);
      case 'markdown':
        return parseMarkdownLegacy(raw, resolveUser);
      default:
        throw badRequest('unsupported parse_mode');
    }
  } catch (error) {
    if (error instanceof EntityParseError) throw badRequest(`can't parse entities: ${error.message}`);
    throw error;
  }
}

function cleanEntities(text: string, entities: ApiEntity[]): ApiEntity[] {
  const kept: ApiEntity[] = [];
  for (const entity of entities) {
    if (!ENTITY_TYPES.has(entity.type)) continue;
    const from = Math.max(0, entity.offset);
    const to = Math.min(text.length, entity.offset + entity.length);
    if (to <= from) continue;
    kept.push({ ...entity, offset: from, length: to - from });
  }
  return sortEntities(kept);
}

/** Number of characters Telegram counts against the 4096/1024 limits (Unicode code points). */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
