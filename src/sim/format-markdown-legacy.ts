// parse_mode=Markdown (the legacy flavour), following tdlib's parse_markdown: no nesting,
// only _ * ` ``` and [text](url), escapes only for those four characters.

import type { ApiEntity } from './api-types.ts';
import { EntityParseError, byteOffset, linkEntity, sortEntities } from './format-entities.ts';
import type { FormattedText, UserResolver } from './format-entities.ts';

const isSpace = (ch: string): boolean => ch === '' || ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n' || ch === '\v';

/** Parses legacy Markdown into text and entities; throws EntityParseError on bad markup. */
export function parseMarkdownLegacy(source: string, resolveUser: UserResolver): FormattedText {
  const at = (i: number): string => source[i] ?? '';
  let text = '';
  const entities: ApiEntity[] = [];

  for (let i = 0; i < source.length; i++) {
    const ch = at(i);
    if (ch === '\\' && '_*`['.includes(at(i + 1)) && at(i + 1) !== '') {
      i++;
      text += at(i);
      continue;
    }
    if (!'_*`['.includes(ch)) {
      text += ch;
      continue;
    }
    const begin = i;
    const endChar = ch === '[' ? ']' : ch;
    let isPre = false;
    let language = '';
    i++;
    if (ch === '`' && at(i) === '`' && at(i + 1) === '`') {
      i += 2;
      isPre = true;
      let languageEnd = i;
      while (!isSpace(at(languageEnd)) && at(languageEnd) !== '`') languageEnd++;
      if (i !== languageEnd && languageEnd < source.length && at(languageEnd) !== '`') {
        language = source.slice(i, languageEnd);
        i = languageEnd;
      }
      if (at(i) === '\n' || at(i) === '\r') {
        if ((at(i + 1) === '\n' || at(i + 1) === '\r') && at(i) !== at(i + 1)) i += 2;
        else i++;
      }
    }
    const offset = text.length;
    while (i < source.length && (at(i) !== endChar || (isPre && !(at(i + 1) === '`' && at(i + 2) === '`')))) {
      text += at(i++);
    }
    if (i >= source.length) {
      throw new EntityParseError(`Can't find end of the entity starting at byte offset ${byteOffset(source, begin)}`);
    }
    const length = text.length - offset;
    if (ch === '[') {
      let url = '';
      if (at(i + 1) !== '(') {
        url = source.slice(begin + 1, i);
      } else {
        i += 2;
        while (i < source.length && at(i) !== ')') url += at(i++);
      }
      const entity = length > 0 ? linkEntity(url, offset, length, resolveUser) : undefined;
      if (entity) entities.push(entity);
    } else if (length > 0) {
      if (ch === '_') entities.push({ type: 'italic', offset, length });
      else if (ch === '*') entities.push({ type: 'bold', offset, length });
      else if (isPre) entities.push(language ? { type: 'pre', offset, length, language } : { type: 'pre', offset, length });
      else entities.push({ type: 'code', offset, length });
    }
    if (isPre) i += 2;
  }
  return { text, entities: sortEntities(entities) };
}
