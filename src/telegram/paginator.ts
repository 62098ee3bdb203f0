import type { InlineKeyboard } from 'grammy';

/** Highest page number a callback may carry; anything above is forged. */
export const MAX_PAGE = 9999;

/** Which slice of a list one page shows. */
export interface PageWindow {
  /** 1-based page actually shown (a requested page past the end shows the last one). */
  page: number;
  /** Number of pages, at least 1 even for an empty list. */
  pages: number;
  /** Rows to skip, for SQL `OFFSET`. */
  offset: number;
  /** Rows to take, for SQL `LIMIT`. */
  limit: number;
  total: number;
}

/** A page of an in-memory list. */
export interface Page<T> extends PageWindow {
  items: T[];
}

/**
 * Clamps a requested page into the list: a stale button pointing past the end (items were
 * removed since) shows the last page instead of an empty one.
 */
export function pageWindow(total: number, requestedPage: number, pageSize: number): PageWindow {
  const size = Math.max(1, Math.floor(pageSize));
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(Math.max(Number.isFinite(requestedPage) ? Math.floor(requestedPage) : 1, 1), pages);
  return { page, pages, offset: (page - 1) * size, limit: size, total };
}

/** Cuts one page out of a list that is already in memory. */
export function paginate<T>(items: readonly T[], requestedPage: number, pageSize: number): Page<T> {
  const window = pageWindow(items.length, requestedPage, pageSize);
  return { ...window, items: items.slice(window.offset, window.offset + window.limit) };
}

/** Reads a page number from callback data; undefined when it is not a sane page. */
export function parsePage(raw: string | undefined, fallback = 1): number | undefined {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,4}$/.test(raw)) return undefined;
  const page = Number(raw);
  return page >= 1 && page <= MAX_PAGE ? page : undefined;
}

/** What {@link addPagerRow} needs to draw the navigation of a paged screen. */
export interface PagerOptions {
  /** Translates the "page 2/7" label (`pager-page`). */
  t(key: string, variables?: Record<string, string | number>): string;
  window: Pick<PageWindow, 'page' | 'pages'>;
  /** Callback data that opens page `page` of the same list. */
  pageData(page: number): string;
  /** A "back to the parent" button drawn on its own row under the pager. */
  back?: { label: string; data: string };
}

/** Starts a new row unless the last one is still empty, so rows never end up blank. */
export function ensureNewRow(keyboard: InlineKeyboard): InlineKeyboard {
  const last = keyboard.inline_keyboard.at(-1);
  if (last && last.length > 0) keyboard.row();
  return keyboard;
}

/**
 * Appends `‹ 2/7 ›` on its own row (nothing when the list fits on one page), then the back
 * button, and leaves the keyboard on a fresh row for whatever the caller adds next. The
 * middle label re-opens the current page, which Telegram treats as a no-op edit.
 */
export function addPagerRow(keyboard: InlineKeyboard, options: PagerOptions): InlineKeyboard {
  const { page, pages } = options.window;
  if (pages > 1) {
    ensureNewRow(keyboard);
    if (page > 1) keyboard.text('‹', options.pageData(page - 1));
    keyboard.text(options.t('pager-page', { page, pages }), options.pageData(page));
    if (page < pages) keyboard.text('›', options.pageData(page + 1));
  }
  if (options.back) ensureNewRow(keyboard).text(options.back.label, options.back.data);
  return ensureNewRow(keyboard);
}
