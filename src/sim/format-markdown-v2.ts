// parse_mode=MarkdownV2, following tdlib's parse_markdown_v2: every reserved character outside
// an entity must be escaped, entities nest, and errors name the entity and its byte offset.

import type { ApiEntity } from './api-types.ts';
import { EntityParseError, byteOffset, linkEntity, sortEntities } from './format-entities.ts';
import type { FormattedText, UserResolver } from './format-entities.ts';

type Kind = 'Bold' | 'Italic' | 'Underline' | 'Strikethrough' | 'Spoiler' | 'TextUrl' | 'Code' | 'Pre' | 'PreCode' | 'CustomEmoji';

const ENTITY_TYPE: Record<string, string> = {
  Bold: 'bold', Italic: 'italic', Underline: 'underline', Strikethrough: 'strikethrough', Spoiler: 'spoiler', Code: 'code',
};

const RESERVED = '_*[]()~`>#+-=|{}.!';

interface Open {
  kind: Kind;
  argument: string;
  offset: number;
  sourceIndex: number;
}

interface Quote {
  offset: number;
  expandable: boolean;
}

const isSpace = (ch: string): boolean => ch === '' || ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n' || ch === '\v';

/** Parses MarkdownV2 into text and entities; throws EntityParseError on bad markup. */
export function parseMarkdownV2(source: string, resolveUser: UserResolver): FormattedText {
  const at = (i: number): string => source[i] ?? '';
  const fail = (message: string): never => {
    throw new EntityParseError(message);
  };
  const reserved = (ch: string): never =>
    fail(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);

  let text = '';
  const entities: ApiEntity[] = [];
  const open: Open[] = [];
  let quote: Quote | undefined;

  const closeQuote = (end: number): void => {
    if (!quote) return;
    if (end > quote.offset) {
      entities.push({ type: quote.expandable ? 'expandable_blockquote' : 'blockquote', offset: quote.offset, length: end - quote.offset });
    }
    quote = undefined;
  };

  for (let i = 0; i < source.length; i++) {
    const top = open[open.length - 1];
    const inCode = top !== undefined && (top.kind === 'Code' || top.kind === 'Pre' || top.kind === 'PreCode');
    const lineStart = i === 0 || at(i - 1) === '\n';

    if (lineStart && !inCode) {
      // Block quotes are line-based: a run of lines that start with '>' (or '**>' for the
      // expandable form, closed by '||' at the end of its last line).
      if (at(i) === '>') {
        if (!quote) quote = { offset: text.length, expandable: false };
        continue;
      }
      if (at(i) === '*' && at(i + 1) === '*' && at(i + 2) === '>') {
        closeQuote(text.endsWith('\n') ? text.length - 1 : text.length);
        quote = { offset: text.length, expandable: true };
        i += 2;
        continue;
      }
      if (quote && i > 0) closeQuote(text.endsWith('\n') ? text.length - 1 : text.length);
    }

    const ch = at(i);
    if (ch === '\\' && i + 1 < source.length && at(i + 1).charCodeAt(0) > 0 && at(i + 1).charCodeAt(0) <= 126) {
      i++;
      text += at(i);
      continue;
    }

    if (
      quote?.expandable &&
      !inCode &&
      ch === '|' &&
      at(i + 1) === '|' &&
      (i + 2 >= source.length || at(i + 2) === '\n') &&
      (top === undefined || top.kind !== 'Spoiler')
    ) {
      i++;
      closeQuote(text.length);
      continue;
    }

    const reservedHere = inCode ? '`' : RESERVED;
    if (!reservedHere.includes(ch)) {
      text += ch;
      continue;
    }

    let endsEntity = false;
    if (top) {
      switch (top.kind) {
        case 'Bold': endsEntity = ch === '*'; break;
        case 'Italic': endsEntity = ch === '_' && at(i + 1) !== '_'; break;
        case 'Code': endsEntity = ch === '`'; break;
        case 'Pre':
        case 'PreCode': endsEntity = ch === '`' && at(i + 1) === '`' && at(i + 2) === '`'; break;
        case 'TextUrl':
        case 'CustomEmoji': endsEntity = ch === ']'; break;
        case 'Underline': endsEntity = ch === '_' && at(i + 1) === '_'; break;
        case 'Strikethrough': endsEntity = ch === '~'; break;
        case 'Spoiler': endsEntity = ch === '|' && at(i + 1) === '|'; break;
      }
    }

    if (!endsEntity) {
      const entityStart = i;
      let kind: Kind;
      let argument = '';
      switch (ch) {
        case '_':
          if (at(i + 1) === '_') {
            kind = 'Underline';
            i++;
          } else {
            kind = 'Italic';
          }
          break;
        case '*': kind = 'Bold'; break;
        case '~': kind = 'Strikethrough'; break;
        case '|':
          if (at(i + 1) !== '|') return reserved(ch);
          kind = 'Spoiler';
          i++;
          break;
        case '[': kind = 'TextUrl'; break;
        case '`':
          if (at(i + 1) === '`' && at(i + 2) === '`') {
            i += 3;
            kind = 'Pre';
            let languageEnd = i;
            while (!isSpace(at(languageEnd)) && at(languageEnd) !== '`') languageEnd++;
            if (i !== languageEnd && languageEnd < source.length && at(languageEnd) !== '`') {
              kind = 'PreCode';
              argument = source.slice(i, languageEnd);
              i = languageEnd;
            }
            if (at(i) === '\n' || at(i) === '\r') {
              if ((at(i + 1) === '\n' || at(i + 1) === '\r') && at(i) !== at(i + 1)) i += 2;
              else i++;
            }
            i--;
          } else {
            kind = 'Code';
          }
          break;
        case '!':
          if (at(i + 1) === '[') {
            i++;
            kind = 'CustomEmoji';
            break;
          }
          return reserved(ch);
        default:
          return reserved(ch);
      }
      open.push({ kind, argument, offset: text.length, sourceIndex: entityStart });
      continue;
    }

    const entity = open.pop() as Open;
    const length = text.length - entity.offset;
    let produced: ApiEntity | undefined;
    switch (entity.kind) {
      case 'Underline':
      case 'Spoiler':
        i++;
        produced = { type: entity.kind === 'Underline' ? 'underline' : 'spoiler', offset: entity.offset, length };
        break;
      case 'Pre':
      case 'PreCode':
        i += 2;
        produced = { type: 'pre', offset: entity.offset, length };
        if (entity.kind === 'PreCode') produced.language = entity.argument;
        break;
      case 'TextUrl': {
        let url = '';
        if (at(i + 1) !== '(') {
          url = text.slice(entity.offset);
        } else {
          i += 2;
          const urlStart = i;
          while (i < source.length && at(i) !== ')') {
            if (at(i) === '\\' && at(i + 1).charCodeAt(0) > 0 && at(i + 1).charCodeAt(0) <= 126) {
              url += at(i + 1);
              i += 2;
              continue;
            }
            url += at(i++);
          }
          if (at(i) !== ')') fail(`Can't find end of a URL at byte offset ${byteOffset(source, urlStart)}`);
        }
        produced = linkEntity(url, entity.offset, length, resolveUser);
        break;
      }
      case 'CustomEmoji': {
        if (at(i + 1) !== '(') fail('Custom emoji entity must contain a tg://emoji URL');
        i += 2;
        const urlStart = i;
        let url = '';
        while (i < source.length && at(i) !== ')') {
          if (at(i) === '\\' && at(i + 1).charCodeAt(0) > 0 && at(i + 1).charCodeAt(0) <= 126) {
            url += at(i + 1);
            i += 2;
            continue;
          }
          url += at(i++);
        }
        if (at(i) !== ')') fail(`Can't find end of a custom emoji URL at byte offset ${byteOffset(source, urlStart)}`);
        const id = /^tg:\/\/emoji\?id=(\d+)$/.exec(url);
        if (!id) fail('Custom emoji URL must have an emoji identifier');
        produced = { type: 'custom_emoji', offset: entity.offset, length, custom_emoji_id: (id as RegExpExecArray)[1] as string };
        break;
      }
      default:
        produced = { type: ENTITY_TYPE[entity.kind] ?? 'bold', offset: entity.offset, length };
    }
    if (produced && length > 0) entities.push(produced);
  }

  if (open.length > 0) {
    const last = open[open.length - 1] as Open;
    fail(`Can't find end of ${last.kind} entity at byte offset ${byteOffset(source, last.sourceIndex)}`);
  }
  closeQuote(text.length);
  return { text, entities: sortEntities(entities) };
}
