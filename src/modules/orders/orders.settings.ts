import { z } from 'zod';
import { orderPaymentSettingsSchema } from './orders.payments.ts';

/** Settings under `settings.orders` in the business config. */
export const ordersSettingsSchema = z
  .object({
    /** Order number prefix per kind of order: `A-1042` for the shop. */
    numberPrefixes: z.record(z.string(), z.string().regex(/^[A-Z]{1,4}$/)).default({ shop: 'A' }),
    /** Prefix of kinds not listed above. */
    fallbackPrefix: z.string().regex(/^[A-Z]{1,4}$/).default('Z'),
    /** How customers pay for shop orders when the payments module is enabled. */
    payment: orderPaymentSettingsSchema,
  })
  .prefault({});
