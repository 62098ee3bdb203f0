import { minorDigits, toMinor } from '../../config/money.ts';
import type { CustomOrdersSettings, Material, Technology } from './custom-orders.settings.ts';

/** What a quote needs to know about one model file. */
export interface QuotedModel {
  volumeCm3: number;
  sizeMm: readonly [number, number, number];
}

/** The figures for one model file. All money is integer minor units of `Quote.currency`. */
export interface QuoteLine {
  /** Grams of material for one copy. */
  massG: number;
  materialMinor: number;
  /** Machine time for one copy, minutes (rounded up). */
  machineMinutes: number;
  machineMinor: number;
  /** Material plus machine time for one copy. */
  unitMinor: number;
  /** `unitMinor × quantity`. */
  lineMinor: number;
  /** Some printer of the technology can hold the model (turned to any axis). */
  fitsBuildVolume: boolean;
}

/** A price with its breakdown, as shown to the customer and stored with the order. */
export interface Quote {
  currency: string;
  technologyId: string;
  materialId: string;
  infillPercent: number | null;
  /** The share of the model's volume filled with material (1 for solid prints). */
  fillFactor: number;
  quantity: number;
  lines: QuoteLine[];
  itemsMinor: number;
  discountPercent: number;
  discountMinor: number;
  setupFeeMinor: number;
  /** Added when the order would come out below the minimum order. */
  minimumSurchargeMinor: number;
  totalMinor: number;
  /** Grams for all copies of all files. */
  totalMassG: number;
  /** Machine minutes for all copies of all files. */
  totalMachineMinutes: number;
  /** False when any model is larger than every printer of the technology: staff must quote it. */
  fitsBuildVolume: boolean;
}

/**
 * The share of a model's volume that gets material. FDM prints walls, top and bottom solid
 * (`shellFraction` of the volume, a studio's average for its parts) and the inside at the
 * chosen infill, so: shell + (1 − shell) × infill. Resin and other solid technologies: 1.
 */
export function fillFactor(technology: Pick<Technology, 'shellFraction' | 'infillPercents'>, infillPercent: number | null): number {
  if (technology.infillPercents.length === 0 || technology.shellFraction === undefined || infillPercent === null) return 1;
  return technology.shellFraction + (1 - technology.shellFraction) * (infillPercent / 100);
}

/** Whether a box of `sizeMm` fits a printer's build volume when turned to any axis. */
export function fitsVolume(sizeMm: readonly [number, number, number], buildVolumeMm: readonly [number, number, number]): boolean {
  // Sorting both boxes pairs the longest side with the longest axis: if any axis-aligned
  // turn fits, this one does.
  const model = [...sizeMm].sort((a, b) => b - a);
  const printer = [...buildVolumeMm].sort((a, b) => b - a);
  return model.every((side, index) => side <= (printer[index] as number));
}

/**
 * Prices models from the studio's config. Per copy: mass = volume × density × fill factor;
 * material = mass × price per gram; machine time = mass ÷ throughput, charged at the hourly
 * rate. Each is rounded to a whole minor unit (half up) before multiplying by the quantity,
 * so a line always equals quantity × the unit price shown. Then the quantity discount of
 * the highest tier reached (rounded half up), the setup fee once per order, and a surcharge
 * up to the minimum order.
 */
export function computeQuote(input: {
  settings: Pick<CustomOrdersSettings, 'setupFee' | 'minimumOrder' | 'quantityDiscounts'>;
  currency: string;
  technology: Technology;
  material: Material;
  infillPercent: number | null;
  quantity: number;
  models: readonly QuotedModel[];
}): Quote {
  const { settings, currency, technology, material, quantity } = input;
  if (!Number.isInteger(quantity) || quantity < 1) throw new RangeError('quantity must be a positive integer');
  const factor = fillFactor(technology, input.infillPercent);
  // Price per gram may be fractional in major units (12.5 ₸/g), so keep it unrounded here.
  const pricePerGramMinor = material.pricePerGram * 10 ** minorDigits(currency);
  const hourRateMinor = technology.machineHourRate * 10 ** minorDigits(currency);
  const lines = input.models.map((model): QuoteLine => {
    const massG = model.volumeCm3 * material.densityGCm3 * factor;
    const hours = massG / technology.throughputGramsPerHour;
    const materialMinor = Math.round(massG * pricePerGramMinor);
    const machineMinor = Math.round(hours * hourRateMinor);
    const unitMinor = materialMinor + machineMinor;
    return {
      massG,
      materialMinor,
      machineMinutes: Math.ceil(hours * 60),
      machineMinor,
      unitMinor,
      lineMinor: unitMinor * quantity,
      fitsBuildVolume: technology.printers.some((printer) => fitsVolume(model.sizeMm, printer.buildVolumeMm)),
    };
  });
  const itemsMinor = lines.reduce((sum, line) => sum + line.lineMinor, 0);
  const tier = settings.quantityDiscounts.filter((item) => quantity >= item.from).sort((a, b) => b.from - a.from)[0];
  const discountPercent = tier?.percent ?? 0;
  const discountMinor = Math.round((itemsMinor * discountPercent) / 100);
  const setupFeeMinor = toMinor(settings.setupFee, currency);
  const beforeMinimum = itemsMinor - discountMinor + setupFeeMinor;
  const minimumSurchargeMinor = Math.max(0, toMinor(settings.minimumOrder, currency) - beforeMinimum);
  const totalMinor = beforeMinimum + minimumSurchargeMinor;
  if (!Number.isSafeInteger(totalMinor)) throw new RangeError('the quote total is out of range');
  return {
    currency,
    technologyId: technology.id,
    materialId: material.id,
    infillPercent: factor === 1 && technology.infillPercents.length === 0 ? null : input.infillPercent,
    fillFactor: factor,
    quantity,
    lines,
    itemsMinor,
    discountPercent,
    discountMinor,
    setupFeeMinor,
    minimumSurchargeMinor,
    totalMinor,
    totalMassG: lines.reduce((sum, line) => sum + line.massG, 0) * quantity,
    totalMachineMinutes: lines.reduce((sum, line) => sum + line.machineMinutes, 0) * quantity,
    fitsBuildVolume: lines.every((line) => line.fitsBuildVolume),
  };
}
