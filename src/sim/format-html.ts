// parse_mode=HTML, following tdlib's parse_html: the same tags, the same entity decoding
// (only &lt; &gt; &amp; &quot; and numeric references; the semicolon is optional) and the
// same error messages with UTF-8 byte offsets.

import type { ApiEntity } from './api-types.ts';
import { EntityParseError, byteOffset, linkEntity, sortEntities } from './format-entities.ts';
import type { FormattedText, UserResolver } from './format-entities.ts';

const SUPPORTED_TAGS = new Set([
  'a', 'b', 'strong', 'i', 'em', 's', 'strike', 'del', 'u', 'ins', 'tg-spoiler', 'tg-emoji', 'span', 'pre', 'code', 'blockquote',
]);

const SIMPLE_TAG_TYPES: Record<string, string> = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', s: 'strikethrough', strike: 'strikethrough', del: 'strikethrough',
  u: 'underline', ins: 'underline', 'tg-spoiler': 'spoiler', span: 'spoiler',
};

interface OpenTag {
  name: string;
  argument: string;
  expandable: boolean;
  offset: number;
}

const isSpace = (ch: string): boolean => ch === '' || ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n' || ch === '\v';
const isAlnum = (ch: string): boolean => /^[A-Za-z0-9]$/.test(ch);

/** Decodes an HTML entity at `pos`; returns the text and the index after it, or undefined. */
function decodeEntity(source: string, pos: number): { text: string; next: number } | undefined {
  let end = pos + 1;
  let code = 0;
  if (source[end] === '#') {
    end++;
    const hex = source[end] === 'x';
    if (hex) end++;
    const digit = hex ? /^[0-9a-fA-F]$/ : /^[0-9]$/;
    while (end < source.length && digit.test(source[end] ?? '')) {
      code = code * (hex ? 16 : 10) + parseInt(source[end] ?? '0', 16);
      end++;
      if (code >= 0x10ffff) return undefined;
    }
    if (code === 0 || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  } else {
    while (end < source.length && /^[A-Za-z]$/.test(source[end] ?? '')) end++;
    const named: Record<string, number> = { lt: 60, gt: 62, amp: 38, quot: 34 };
    const value = named[source.slice(pos + 1, end)];
    if (value === undefined) return undefined;
    code = value;
  }
  if (source[end] === ';') end++;
  return { text: String.fromCodePoint(code), next: end };
}

/** Parses Telegram HTML into text and entities; throws EntityParseError on bad markup. */
export function parseHtml(source: string, resolveUser: UserResolver): FormattedText {
  const at = (i: number): string => source[i] ?? '';
  const fail = (message: string): never => {
    throw new EntityParseError(message);
  };
  let text = '';
  const entities: ApiEntity[] = [];
  const open: OpenTag[] = [];

  for (let i = 0; i < source.length; i++) {
    const ch = at(i);
    if (ch === '&') {
      const decoded = decodeEntity(source, i);
      if (decoded) {
        text += decoded.text;
        i = decoded.next - 1;
        continue;
      }
    }
    if (ch !== '<') {
      text += ch;
      continue;
    }
    const begin = i++;
    if (at(i) !== '/') {
      while (!isSpace(at(i)) && at(i) !== '>') i++;
      if (i >= source.length) fail(`Unclosed start tag at byte offset ${byteOffset(source, begin)}`);
      const tagName = source.slice(begin + 1, i).toLowerCase();
      if (!SUPPORTED_TAGS.has(tagName)) fail(`Unsupported start tag "${tagName}" at byte offset ${byteOffset(source, begin)}`);
      let argument = '';
      let expandable = false;
      while (at(i) !== '>') {
        while (i < source.length && isSpace(at(i))) i++;
        if (at(i) === '>') break;
        const attributeStart = i;
        while (!isSpace(at(i)) && at(i) !== '=' && at(i) !== '>') i++;
        const attributeName = source.slice(attributeStart, i).toLowerCase();
        if (attributeName === '') fail(`Empty attribute name in the tag "${tagName}" at byte offset ${byteOffset(source, begin)}`);
        while (i < source.length && isSpace(at(i))) i++;
        if (at(i) !== '=') {
          if (tagName === 'blockquote' && attributeName === 'expandable') {
            expandable = true;
            continue;
          }
          if (i >= source.length) fail(`Unclosed start tag at byte offset ${byteOffset(source, begin)}`);
          fail(`Expected equal sign in declaration of an attribute of the tag "${tagName}" at byte offset ${byteOffset(source, begin)}`);
        }
        i++;
        while (i < source.length && isSpace(at(i))) i++;
        if (i >= source.length) fail(`Unclosed start tag at byte offset ${byteOffset(source, begin)}`);
        let value = '';
        if (at(i) !== '"' && at(i) !== "'") {
          const tokenStart = i;
          while (isAlnum(at(i)) || at(i) === '.' || at(i) === '-') i++;
          value = source.slice(tokenStart, i).toLowerCase();
          if (!isSpace(at(i)) && at(i) !== '>') fail(`Unexpected end of name token at byte offset ${byteOffset(source, tokenStart)}`);
        } else {
          const quote = at(i++);
          while (i < source.length && at(i) !== quote) {
            if (at(i) === '&') {
              const decoded = decodeEntity(source, i);
              if (decoded) {
                value += decoded.text;
                i = decoded.next;
                continue;
              }
            }
            value += at(i++);
          }
          if (at(i) === quote) i++;
        }
        if (i >= source.length) fail(`Unclosed start tag at byte offset ${byteOffset(source, begin)}`);
        if (tagName === 'a' && attributeName === 'href') argument = value;
        else if (tagName === 'code' && attributeName === 'class' && value.startsWith('language-')) argument = value.slice(9);
        else if (tagName === 'span' && attributeName === 'class' && value.startsWith('tg-')) argument = value.slice(3);
        else if (tagName === 'tg-emoji' && attributeName === 'emoji-id') argument = value;
      }
      if (tagName === 'span' && argument !== 'spoiler') {
        fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(source, begin)}`);
      }
      open.push({ name: tagName, argument, expandable, offset: text.length });
      continue;
    }

    if (open.length === 0) fail(`Unexpected end tag at byte offset ${byteOffset(source, begin)}`);
    i++;
    while (!isSpace(at(i)) && at(i) !== '>') i++;
    const endName = source.slice(begin + 2, i).toLowerCase();
    while (i < source.length && isSpace(at(i))) i++;
    if (at(i) !== '>') fail(`Unclosed end tag at byte offset ${byteOffset(source, begin)}`);
    const tag = open.pop() as OpenTag;
    if (endName !== '' && endName !== tag.name) {
      fail(`Unmatched end tag at byte offset ${byteOffset(source, begin)}, expected "</${tag.name}>", found "</${endName}>"`);
    }
    const length = text.length - tag.offset;
    if (length <= 0) continue;
    closeTag(tag, length, text, entities, resolveUser);
  }
  if (open.length > 0) {
    fail(`Can't find end tag corresponding to start tag "${(open[open.length - 1] as OpenTag).name}"`);
  }
  return { text, entities: sortEntities(dropNestedInCode(entities)) };
}

function closeTag(tag: OpenTag, length: number, text: string, entities: ApiEntity[], resolveUser: UserResolver): void {
  const offset = tag.offset;
  const simple = SIMPLE_TAG_TYPES[tag.name];
  if (simple) {
    entities.push({ type: simple, offset, length });
    return;
  }
  const last = entities[entities.length - 1];
  const sameRange = last !== undefined && last.offset === offset && last.length === length;
  switch (tag.name) {
    case 'a': {
      // <a> without href links its own text, as in tdlib.
      const href = tag.argument === '' ? text.slice(tag.offset) : tag.argument;
      const entity = linkEntity(href, offset, length, resolveUser);
      if (entity) entities.push(entity);
      return;
    }
    case 'tg-emoji':
      if (!/^\d+$/.test(tag.argument)) throw new EntityParseError('Invalid custom emoji identifier specified');
      entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: tag.argument });
      return;
    case 'pre':
      // <pre><code class="language-x"> collapses into one pre entity carrying the language.
      if (sameRange && last.type === 'code') {
        last.type = 'pre';
        if (!last.language) delete last.language;
      } else {
        entities.push({ type: 'pre', offset, length });
      }
      return;
    case 'code':
      if (sameRange && last.type === 'pre') {
        if (tag.argument !== '') last.language = tag.argument;
      } else {
        const entity: ApiEntity = { type: 'code', offset, length };
        if (tag.argument !== '') entity.language = tag.argument;
        entities.push(entity);
      }
      return;
    case 'blockquote':
      entities.push({ type: tag.expandable ? 'expandable_blockquote' : 'blockquote', offset, length });
      return;
  }
}

/** A code span keeps a language only when it turned into pre; other entities cannot live inside code. */
function dropNestedInCode(entities: ApiEntity[]): ApiEntity[] {
  const codeLike = entities.filter((e) => e.type === 'code' || e.type === 'pre');
  const result = entities.filter((entity) => {
    if (entity.type === 'blockquote' || entity.type === 'expandable_blockquote') return true;
    return !codeLike.some(
      (code) =>
        code !== entity &&
        entity.offset >= code.offset &&
        entity.offset + entity.length <= code.offset + code.length &&
        !(entity.offset === code.offset && entity.length === code.length && entity.type !== 'code' && entity.type !== 'pre'),
    );
  });
  for (const entity of result) if (entity.type === 'code') delete entity.language;
  return result;
}
