import { z } from 'zod';
import { toMinor } from '../../config/money.ts';
import type { Env } from '../../config/env.ts';

const packSchema = z.object({
  /** Used in callback data: `[a-z0-9_]{1,12}`. */
  id: z.string().regex(/^[a-z0-9_]{1,12}$/),
  tokens: z.number().int().positive().max(10_000_000),
  /** Price in Telegram Stars; without it the pack is not sold for Stars. */
  stars: z.number().int().positive().max(100_000).optional(),
  /** Price in the business currency (major units); defaults to tokens × the buy price. */
  price: z.number().positive().max(100_000_000).optional(),
});

/** Settings under `settings.wallet` in the business config. */
export const walletSettingsSchema = z
  .object({
    packs: z.array(packSchema).min(1).default([
      { id: 'p100', tokens: 100, stars: 50 },
      { id: 'p500', tokens: 500, stars: 225 },
      { id: 'p1000', tokens: 1000, stars: 400 },
    ]),
    pricing: z
      .object({
        /** What a customer pays for one token, in the business currency (env PRICE_BUY_RUB). */
        buy: z.number().positive().optional(),
        /** What the business pays back for one token when it buys tokens back (env PRICE_SELL_RUB); shown on /pricing. */
        sell: z.number().positive().optional(),
      })
      .default({}),
    historyPageSize: z.number().int().min(3).max(20).default(8),
    staffPageSize: z.number().int().min(3).max(20).default(8),
    /** The +/− buttons on a user's card in the staff list. */
    quickAdjustments: z.array(z.number().int().positive().max(1_000_000)).min(1).max(4).default([10, 100]),
  })
  .prefault({});

/** A pack with its prices resolved. */
export interface TokenPack {
  id: string;
  tokens: number;
  stars?: number;
  /** In the business currency's minor units. */
  priceMinor?: number;
}

/** Wallet settings after env overrides. */
export interface ResolvedWalletSettings {
  packs: TokenPack[];
  currency: string;
  buyPriceMinor?: number;
  sellPriceMinor?: number;
  historyPageSize: number;
  staffPageSize: number;
  quickAdjustments: number[];
}

/**
 * Applies the env overrides to the config: `STARS_PACKS` (`tokens:stars,…`) replaces the pack
 * list, `PRICE_BUY_RUB` / `PRICE_SELL_RUB` the per-token prices (in the business currency).
 */
export function resolveWalletSettings(raw: unknown, env: Pick<Env, 'STARS_PACKS' | 'PRICE_BUY_RUB' | 'PRICE_SELL_RUB'>, currency: string): ResolvedWalletSettings {
  const settings = walletSettingsSchema.parse(raw);
  const buy = env.PRICE_BUY_RUB ?? settings.pricing.buy;
  const sell = env.PRICE_SELL_RUB ?? settings.pricing.sell;
  const source = env.STARS_PACKS
    ? env.STARS_PACKS.split(',').map((pair) => {
        const [tokens, stars] = pair.trim().split(':').map(Number) as [number, number];
        return { id: `t${tokens}`, tokens, stars, price: undefined };
      })
    : settings.packs;
  const packs = source.map((pack) => {
    const priceMinor = pack.price !== undefined ? toMinor(pack.price, currency) : buy !== undefined ? toMinor(pack.tokens * buy, currency) : undefined;
    return { id: pack.id, tokens: pack.tokens, ...(pack.stars ? { stars: pack.stars } : {}), ...(priceMinor ? { priceMinor } : {}) };
  });
  return {
    packs,
    currency,
    ...(buy !== undefined ? { buyPriceMinor: toMinor(buy, currency) } : {}),
    ...(sell !== undefined ? { sellPriceMinor: toMinor(sell, currency) } : {}),
    historyPageSize: settings.historyPageSize,
    staffPageSize: settings.staffPageSize,
    quickAdjustments: settings.quickAdjustments,
  };
}
