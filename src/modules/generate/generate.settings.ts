import { z } from 'zod';

/** Settings under `settings.generate` in the business config. */
export const generateSettingsSchema = z
  .object({
    costTokens: z.number().int().positive().max(1_000_000).default(10),
    steps: z.number().int().min(1).max(100).default(10),
    stepMs: z.number().int().min(0).max(60_000).default(500),
    failMarker: z.string().max(32).default('#fail'),
    progressEveryMs: z.number().int().min(0).max(60_000).default(1000),
    /** An outside generator; without it the demo generator draws a picture from the prompt. */
    http: z
      .object({
        url: z.url({ protocol: /^https?$/ }),
        timeoutMs: z.number().int().min(1000).max(600_000).default(120_000),
      })
      .optional(),
  })
  .prefault({});
