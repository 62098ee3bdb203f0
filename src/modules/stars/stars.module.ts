import { z } from 'zod';
import { defineModule } from '../module.ts';
import type { StarsService } from './stars.service.ts';
import { starsMigrations } from './stars.migrations.ts';

declare module '../module.ts' {
  interface ModuleServices {
    stars: StarsService;
  }
}

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

/**
 * A Telegram Stars reseller: customers buy Stars packages (or a custom amount) for any
 * username, pay through the payments module (the crypto gateway), and the order is delivered
 * by an admin or an external service behind a documented hook (see README.md here).
 */
export const module = defineModule({
  name: 'stars',
  // Orders: each purchase is an order of kind `stars` there (one list, one number, the panel, /stats, /export).
  dependsOn: ['users', 'payments', 'orders'],
  migrations: starsMigrations,
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupStars } = await import('./stars.setup.ts');
    return setupStars(deps);
  },
});
