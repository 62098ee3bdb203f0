/**
 * What the parts of the catalogue bot share: their dependencies, the session scratch space
 * (the last search and until when typing counts as a search), the shape of a screen and the
 * callback data of a product card.
 */
import type { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../telegram/context.ts';
import type { CatalogService, PhotoSource } from './catalog.service.ts';

/** How long after the last catalogue screen plain text is read as a search query. */
export const SEARCH_ARMED_MS = 30 * 60_000;

/** Dependencies of the catalogue composer. */
export interface CatalogComposerDeps {
  catalog: CatalogService;
  now(): number;
}

/** What the catalogue keeps in the session scratch space. */
export interface CatalogScratch {
  /** The last search, so that result pages fit in 64-byte callback data. */
  query?: string;
  /** Until when plain text counts as a search (the user is in the catalogue). */
  searchUntil?: number;
}

/** A screen to draw: text, or a photo with a caption. */
export interface Screen {
  text: string;
  keyboard: InlineKeyboard;
  photo?: { productId: number; source: PhotoSource };
}

/** Where the card's back button leads: a category page, or the search results. */
export type BackTarget = { kind: 'category'; id: number; page: number } | { kind: 'search'; page: number };

function backData(back: BackTarget): string {
  return back.kind === 'category' ? `${back.id}:${back.page}` : `s:${back.page}`;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Callback data of the card of product `productId` with variant `variantId` (0: default). */
export function productCardData(productId: number, variantId: number | null, back: BackTarget): string {
  return `catalog:p:${productId}:${variantId ?? 0}:${backData(back)}`;
}

/** The catalogue's scratch space in the session of `ctx`, created when missing. */
export async function scratchOf(ctx: BotContext): Promise<CatalogScratch> {
  const session = await ctx.session;
  session.scratch ??= {};
  const existing = session.scratch.catalog as CatalogScratch | undefined;
  if (existing && typeof existing === 'object') return existing;
  const created: CatalogScratch = {};
  session.scratch.catalog = created;
  return created;
}

/** Makes plain text count as a search for a while (and remembers `query`, when given). */
export async function armSearch(deps: CatalogComposerDeps, ctx: BotContext, query?: string): Promise<void> {
  const scratch = await scratchOf(ctx);
  const nowMs = deps.now();
  // Browsing re-arms only once half the window has passed: an unchanged session is not
  // written back, so most catalogue screens cost no session write at all.
  if ((scratch.searchUntil ?? 0) - nowMs < SEARCH_ARMED_MS / 2) scratch.searchUntil = nowMs + SEARCH_ARMED_MS;
  if (query !== undefined && scratch.query !== query) scratch.query = query;
}
