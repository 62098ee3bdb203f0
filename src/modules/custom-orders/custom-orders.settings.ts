import { z } from 'zod';
import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import { MAX_LINE_QUANTITY } from '../orders/orders.service.ts';

/** A name in each language, or one name for all. */
const localisedSchema = z.union([z.string().min(1).max(64), z.partialRecord(z.enum(SUPPORTED_LOCALES), z.string().min(1).max(64))]);
/** A configured name as written in the preset. */
export type Localised = z.infer<typeof localisedSchema>;

/** Picks the text for `locale` from a configured name, falling back to any language. */
export function localised(value: Localised, locale: Locale): string {
  if (typeof value === 'string') return value;
  return value[locale] ?? value.en ?? value.ru ?? Object.values(value)[0] ?? '';
}

/** Ids travel in callback data (64 bytes), so they stay short. */
const idSchema = z.string().regex(/^[a-z0-9_]{1,16}$/, 'expected a short id: a-z, 0-9, _ (up to 16)');

const printerSchema = z.object({
  id: idSchema,
  title: z.string().min(1).max(64),
  /** Largest printable box, x × y × z in millimetres. */
  buildVolumeMm: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
});

const technologySchema = z.object({
  id: idSchema,
  title: localisedSchema,
  /**
   * How many grams of material the machines deposit per hour, for the time estimate. A
   * deliberately simple model: real time depends on layer height, speed and supports.
   */
  throughputGramsPerHour: z.number().positive(),
  /** Price of one machine hour in whole currency units (0: time is not charged). */
  machineHourRate: z.number().min(0).default(0),
  /**
   * FDM prints a solid shell around a sparse infill: this share of the volume is shell. Set
   * together with `infillPercents`; technologies that print solid (resin) leave both out.
   */
  shellFraction: z.number().min(0).max(1).optional(),
  /** Infill densities the customer picks from; empty for solid technologies. */
  infillPercents: z.array(z.number().int().min(0).max(100)).max(8).default([]),
  defaultInfillPercent: z.number().int().min(0).max(100).optional(),
  printers: z.array(printerSchema).min(1),
});

const colourSchema = z.object({
  id: idSchema,
  title: localisedSchema,
  /** Shown in the preview, `#rrggbb`. */
  hex: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  /** Out of stock colours stay in the config but are not offered. */
  available: z.boolean().default(true),
});

const materialSchema = z.object({
  id: idSchema,
  technology: idSchema,
  title: localisedSchema,
  densityGCm3: z.number().positive().max(25),
  /** Price per gram in whole currency units; fractions allowed (12.5 ₸/g). */
  pricePerGram: z.number().positive(),
  available: z.boolean().default(true),
  colours: z.array(colourSchema).min(1),
});

/** Settings under `settings.custom-orders` in the business config. */
export const customOrdersSettingsSchema = z
  .object({
    /** Order numbers read `P-1001`. */
    numberPrefix: z.string().regex(/^[A-Z]{1,4}$/).default('P'),
    /** Model files one order may have. */
    maxFiles: z.number().int().min(1).max(20).default(10),
    /** Telegram lets bots download files up to 20 MB; a studio may accept less. */
    maxFileMb: z.number().positive().max(20).default(20),
    /** Per order, in whole currency units. */
    setupFee: z.number().min(0).default(0),
    /** The smallest total an order may have, in whole currency units (0: none). */
    minimumOrder: z.number().min(0).default(0),
    /** Discount on the items when the quantity reaches `from`; the highest tier reached applies. */
    quantityDiscounts: z.array(z.object({ from: z.number().int().min(2), percent: z.number().min(0).max(90) })).default([]),
    /** Quantities offered as buttons; any other number up to `maxQuantity` can be typed. */
    quantities: z.array(z.number().int().min(1)).min(1).max(8).default([1, 2, 5, 10]),
    /** Copies of one order; an order line holds at most 999 units. */
    maxQuantity: z.number().int().min(1).max(MAX_LINE_QUANTITY).default(100),
    /**
     * No longer used: a printed part is a physical good, which Telegram's payment rules forbid
     * paying in Stars. Still accepted so older configs load; a warning at start says it is ignored.
     */
    stars: z.object({ unitsPerStar: z.number().positive(), maxStars: z.number().int().min(1).max(1_000_000).default(10_000) }).optional(),
    /**
     * The payments methods print jobs may be paid with (`stars`, `card`, `qr`, `heleket`,
     * `manual`), among those `settings.payments` configures; empty: all of them.
     */
    paymentMethods: z.array(z.string().regex(/^[a-z0-9_.]{1,24}$/)).max(20).default([]),
    technologies: z.array(technologySchema).min(1),
    materials: z.array(materialSchema).min(1),
  })
  .superRefine((settings, context) => {
    const technologies = new Set(settings.technologies.map((technology) => technology.id));
    for (const [index, material] of settings.materials.entries()) {
      if (!technologies.has(material.technology)) {
        context.addIssue({ code: 'custom', path: ['materials', index, 'technology'], message: `unknown technology ${material.technology}` });
      }
    }
    for (const [index, technology] of settings.technologies.entries()) {
      if (technology.infillPercents.length > 0 && technology.shellFraction === undefined) {
        context.addIssue({ code: 'custom', path: ['technologies', index, 'shellFraction'], message: 'required when infillPercents are offered' });
      }
    }
    const duplicates = (ids: string[]) => ids.filter((id, index) => ids.indexOf(id) !== index);
    for (const id of duplicates(settings.technologies.map((item) => item.id))) context.addIssue({ code: 'custom', path: ['technologies'], message: `duplicate id ${id}` });
    for (const id of duplicates(settings.materials.map((item) => item.id))) context.addIssue({ code: 'custom', path: ['materials'], message: `duplicate id ${id}` });
  });

/** Validated custom-order settings. */
export type CustomOrdersSettings = z.infer<typeof customOrdersSettingsSchema>;
/** One printing technology of the studio. */
export type Technology = CustomOrdersSettings['technologies'][number];
/** One material of the studio's catalogue. */
export type Material = CustomOrdersSettings['materials'][number];
/** One colour of a material. */
export type Colour = Material['colours'][number];

/** Technologies that have at least one available material with an available colour. */
export function offeredTechnologies(settings: CustomOrdersSettings): Technology[] {
  return settings.technologies.filter((technology) => offeredMaterials(settings, technology.id).length > 0);
}

/** Available materials of a technology that have at least one available colour. */
export function offeredMaterials(settings: CustomOrdersSettings, technologyId: string): Material[] {
  return settings.materials.filter((material) => material.technology === technologyId && material.available && material.colours.some((colour) => colour.available));
}

/** The customer's choice, resolved against the catalogue; undefined when any part is not offered. */
export function resolveChoice(
  settings: CustomOrdersSettings,
  choice: { technology?: string; material?: string; colour?: string; infillPercent?: number | null },
): { technology: Technology; material: Material; colour: Colour; infillPercent: number | null } | undefined {
  const technology = offeredTechnologies(settings).find((item) => item.id === choice.technology);
  if (!technology) return undefined;
  const material = offeredMaterials(settings, technology.id).find((item) => item.id === choice.material);
  const colour = material?.colours.find((item) => item.id === choice.colour && item.available);
  if (!material || !colour) return undefined;
  if (technology.infillPercents.length === 0) return { technology, material, colour, infillPercent: null };
  const infill = choice.infillPercent ?? technology.defaultInfillPercent;
  if (infill === undefined || infill === null || !technology.infillPercents.includes(infill)) return undefined;
  return { technology, material, colour, infillPercent: infill };
}
