// Turns a Telegram text and its MessageEntity list into a tree the renderer walks. Offsets and
// lengths are UTF-16 code units, which is exactly how JavaScript strings index, so slicing is
// direct; the work is in nesting. Telegram allows entities to overlap without nesting (bold
// over half of a link), so an entity that crosses the end of its parent is split in two.

/** The part of a MessageEntity the renderer needs. */
export interface TextEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  user?: { id: number; first_name?: string; username?: string };
}

/** A piece of formatted text: plain text, or an entity wrapping more pieces. */
export type TextNode = string | EntityNode;

/** An entity and what it covers. */
export interface EntityNode {
  entity: TextEntity;
  /** The whole text the entity covers, even when it was split (links keep their full target). */
  text: string;
  children: TextNode[];
}

/** Block entities must wrap inline ones, never the reverse, so they sort first at equal spans. */
const BLOCK_TYPES = new Set(['pre', 'blockquote', 'expandable_blockquote']);

/**
 * Builds the entity tree for `text`. Entities outside the text are clipped, empty ones are
 * dropped, and partial overlaps are split so that every node nests inside its parent.
 */
export function buildEntityTree(text: string, entities: readonly TextEntity[] | undefined): TextNode[] {
  const pending: Span[] = (entities ?? [])
    .map((entity) => clip(entity, text.length))
    .filter((entity): entity is TextEntity => entity !== undefined)
    .map((entity) => ({ entity, offset: entity.offset, end: entity.offset + entity.length }))
    .sort(compareSpans);

  const root: TextNode[] = [];
  const open: Array<{ node: EntityNode; end: number }> = [];
  let position = 0;

  const childrenOfTop = (): TextNode[] => open.at(-1)?.node.children ?? root;
  const emitTextUpTo = (end: number): void => {
    if (end > position) childrenOfTop().push(text.slice(position, end));
    position = Math.max(position, end);
  };
  const closeUpTo = (offset: number): void => {
    for (let top = open.at(-1); top && top.end <= offset; top = open.at(-1)) {
      emitTextUpTo(top.end);
      open.pop();
    }
  };

  for (let span = pending.shift(); span; span = pending.shift()) {
    closeUpTo(span.offset);
    emitTextUpTo(span.offset);
    let end = span.end;
    const parent = open.at(-1);
    if (parent && end > parent.end) {
      // Crosses its parent's end: keep the inside here, queue the rest as its own span.
      insertSorted(pending, { entity: span.entity, offset: parent.end, end });
      end = parent.end;
    }
    const { entity } = span;
    const node: EntityNode = { entity, text: text.slice(entity.offset, entity.offset + entity.length), children: [] };
    childrenOfTop().push(node);
    open.push({ node, end });
  }
  closeUpTo(Number.POSITIVE_INFINITY);
  emitTextUpTo(text.length);
  return root;
}

/** A piece of an entity still to place: the whole entity, or what is left of it after a split. */
interface Span {
  entity: TextEntity;
  offset: number;
  end: number;
}

function clip(entity: TextEntity, textLength: number): TextEntity | undefined {
  const offset = Math.max(0, Math.trunc(entity.offset));
  const end = Math.min(textLength, Math.trunc(entity.offset + entity.length));
  return end > offset ? { ...entity, offset, length: end - offset } : undefined;
}

function compareSpans(a: Span, b: Span): number {
  if (a.offset !== b.offset) return a.offset - b.offset;
  if (a.end !== b.end) return b.end - a.end;
  return Number(BLOCK_TYPES.has(b.entity.type)) - Number(BLOCK_TYPES.has(a.entity.type));
}

function insertSorted(list: Span[], span: Span): void {
  const index = list.findIndex((other) => compareSpans(span, other) < 0);
  if (index === -1) list.push(span);
  else list.splice(index, 0, span);
}

/** The address a `url` entity opens: Telegram adds http:// to bare domains. */
export function hrefOfUrl(text: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `http://${text}`;
}

/** True for addresses the page may open: web links and mail/phone, never `javascript:`. */
export function isSafeHref(href: string): boolean {
  return /^(https?:|mailto:|tel:|tg:)/i.test(href);
}
