import { z } from 'zod';

/** Settings under `settings.stars` in the business config. */
export const starsSettingsSchema = z
  .object({
    packages: z.array(z.number().int().positive().max(1_000_000)).min(1).max(8).default([100, 250, 500, 1000]),
    /** Bounds of a custom amount; null turns custom amounts off. */
    custom: z
      .object({ min: z.number().int().positive(), max: z.number().int().positive().max(1_000_000) })
      .refine((value) => value.min <= value.max, 'min must not exceed max')
      .nullable()
      .default({ min: 50, max: 10_000 }),
    /** Price of 100 Stars in the business currency (major units). */
    pricePer100: z.number().positive().max(1_000_000).default(1.8),
    methods: z.array(z.string().regex(/^[a-z0-9_.]{1,24}$/)).min(1).default(['heleket', 'manual']),
    orderTtlMinutes: z.number().int().min(5).max(24 * 60).default(60),
    fulfilment: z
      .discriminatedUnion('mode', [
        z.object({ mode: z.literal('admin') }),
        z.object({ mode: z.literal('hook'), url: z.url(), timeoutMs: z.number().int().min(500).max(60_000).default(10_000) }),
      ])
      .default({ mode: 'admin' }),
  })
  .prefault({});
