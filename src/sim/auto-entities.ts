// Telegram finds commands, mentions, hashtags, links and e-mail addresses in every text by
// itself, outside code, pre and explicit links. Tests rely on `/start p_12` arriving with a
// bot_command entity, so the simulator does the same.

import type { ApiEntity } from './api-types.ts';
import { sortEntities } from './format-entities.ts';

const DETECTORS: Array<{ type: string; pattern: RegExp }> = [
  { type: 'url', pattern: /(?<![\p{L}\p{N}_@.])(?:https?:\/\/|www\.|t\.me\/)[^\s<>"]+/giu },
  { type: 'email', pattern: /(?<![\p{L}\p{N}_.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/gu },
  { type: 'bot_command', pattern: /(?<![\p{L}\p{N}_/])\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\p{L}\p{N}_/])/gu },
  { type: 'mention', pattern: /(?<![\p{L}\p{N}_@])@[A-Za-z0-9_]{5,32}(?![\p{L}\p{N}_])/gu },
  { type: 'hashtag', pattern: /(?<![\p{L}\p{N}_#])#[\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*/gu },
  { type: 'cashtag', pattern: /(?<![\p{L}\p{N}_$])\$[A-Z]{1,8}(?![\p{L}\p{N}_])/gu },
];

const OPAQUE = new Set(['code', 'pre', 'text_link', 'text_mention', 'custom_emoji', 'url', 'email', 'bot_command', 'mention', 'hashtag', 'cashtag']);

/** Returns `entities` plus the ones Telegram would detect in `text` on its own. */
export function withDetectedEntities(text: string, entities: ApiEntity[]): ApiEntity[] {
  const taken = entities.filter((e) => OPAQUE.has(e.type)).map((e) => [e.offset, e.offset + e.length] as const);
  const found: ApiEntity[] = [];
  for (const { type, pattern } of DETECTORS) {
    for (const match of text.matchAll(pattern)) {
      let value = match[0];
      if (type === 'url') value = value.replace(/[.,;:!?'")\]]+$/, '');
      const start = match.index;
      const end = start + value.length;
      if (value.length < 2 || taken.some(([from, to]) => start < to && end > from)) continue;
      taken.push([start, end]);
      found.push({ type, offset: start, length: value.length });
    }
  }
  return found.length === 0 ? entities : sortEntities([...entities, ...found]);
}
