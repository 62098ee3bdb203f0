/** The editor's input schemas and photo checks: what staff may send from the admin panel. */
import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../../config/business.ts';
import type { LocalizedTexts } from './catalog.csv.ts';

const localeSchema = z.enum(SUPPORTED_LOCALES);

/** Largest product photo staff may upload (Telegram's own limit for photos). */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** The image type of uploaded bytes by their first bytes (not by what the browser claims). */
export function sniffImageType(bytes: Uint8Array): 'image/png' | 'image/jpeg' | 'image/webp' | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 16));
  if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47 && head.readUInt32BE(4) === 0x0d0a1a0a) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 12 && head.toString('ascii', 0, 4) === 'RIFF' && head.toString('ascii', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/** Texts per language as the panel edits them; an empty text removes that language. */
const staffTexts = (max: number) =>
  z
    .partialRecord(localeSchema, z.string().max(max))
    .transform((value) => Object.fromEntries(Object.entries(value).map(([locale, text]) => [locale, text?.replace(/\s+/g, ' ').trim() ?? '']).filter(([, text]) => text !== '')) as LocalizedTexts);

const requiredTexts = (max: number) => staffTexts(max).refine((value) => Object.keys(value).length > 0, 'give a title in at least one language');

/** A category as staff create it in the panel. */
export const staffCategoryCreateSchema = z.object({ parentId: z.number().int().positive().nullable().default(null), title: requiredTexts(64) });

/** A change to a category: rename (per language), move under another parent, hide or show. */
export const staffCategoryPatchSchema = z
  .object({ title: requiredTexts(64).optional(), parentId: z.number().int().positive().nullable().optional(), hidden: z.boolean().optional() })
  .refine((value) => Object.keys(value).length > 0, 'nothing to change');

/** A product as staff create it in the panel; money in minor units. */
export const staffProductCreateSchema = z.object({
  categoryId: z.number().int().positive().nullable().default(null),
  title: requiredTexts(120),
  description: staffTexts(800).default({}),
  priceMinor: z.number().int().min(0).max(1e13),
  stock: z.number().int().min(0).max(1_000_000).default(0),
  hidden: z.boolean().default(false),
  /** A digital good or service: the only kind Telegram Stars may pay for. */
  digital: z.boolean().default(false),
});

/** A change to a product. */
export const staffProductPatchSchema = z
  .object({
    categoryId: z.number().int().positive().nullable().optional(),
    title: requiredTexts(120).optional(),
    description: staffTexts(800).optional(),
    priceMinor: z.number().int().min(0).max(1e13).optional(),
    stock: z.number().int().min(0).max(1_000_000).optional(),
    hidden: z.boolean().optional(),
    digital: z.boolean().optional(),
  })
  .refine((value) => Object.keys(value).length > 0, 'nothing to change');

/** A variant as staff add it. */
export const staffVariantCreateSchema = z.object({
  title: requiredTexts(64),
  options: z.record(z.string().max(32), z.string().max(32)).optional(),
  priceMinor: z.number().int().min(0).max(1e13),
  stock: z.number().int().min(0).max(1_000_000).default(0),
});

/** A change to a variant. */
export const staffVariantPatchSchema = z
  .object({ title: requiredTexts(64).optional(), priceMinor: z.number().int().min(0).max(1e13).optional(), stock: z.number().int().min(0).max(1_000_000).optional() })
  .refine((value) => Object.keys(value).length > 0, 'nothing to change');
