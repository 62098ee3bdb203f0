import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { customOrdersSettingsSchema, resolveChoice } from './custom-orders.settings.ts';
import { computeQuote, fillFactor, fitsVolume } from './quote.ts';

const settings = customOrdersSettingsSchema.parse({
  setupFee: 1500,
  minimumOrder: 2000,
  quantityDiscounts: [
    { from: 5, percent: 5 },
    { from: 10, percent: 10 },
  ],
  technologies: [
    {
      id: 'fdm',
      title: 'FDM',
      throughputGramsPerHour: 12,
      machineHourRate: 300,
      shellFraction: 0.3,
      infillPercents: [10, 20, 40, 100],
      defaultInfillPercent: 20,
      printers: [{ id: 'x1c', title: 'X1C', buildVolumeMm: [256, 256, 256] }],
    },
    { id: 'resin', title: 'Resin', throughputGramsPerHour: 20, machineHourRate: 500, printers: [{ id: 'm7', title: 'M7', buildVolumeMm: [223, 126, 230] }] },
  ],
  materials: [
    { id: 'pla', technology: 'fdm', title: 'PLA', densityGCm3: 1.24, pricePerGram: 25, colours: [{ id: 'white', title: 'White', hex: '#ffffff' }] },
    { id: 'standard', technology: 'resin', title: 'Standard', densityGCm3: 1.1, pricePerGram: 60, colours: [{ id: 'grey', title: 'Grey', hex: '#888888' }] },
  ],
});

function choice(technology: string, material: string, colour: string, infillPercent: number | null) {
  const resolved = resolveChoice(settings, { technology, material, colour, infillPercent });
  assert.ok(resolved, 'the choice is offered');
  return resolved;
}

describe('quote', () => {
  test('the quote for a 50×40×30 mm box in PLA at 20 % infill, five copies, matches the hand computation', () => {
    const { technology, material, infillPercent } = choice('fdm', 'pla', 'white', 20);
    const quote = computeQuote({ settings, currency: 'KZT', technology, material, infillPercent, quantity: 5, models: [{ volumeCm3: 60, sizeMm: [50, 40, 30] }] });
    // By hand: fill = 0.3 + 0.7 × 0.20 = 0.44; mass = 60 cm³ × 1.24 g/cm³ × 0.44 = 32.736 g.
    // Material = 32.736 g × 25 ₸/g = 818.40 ₸ = 81 840 minor. Time = 32.736 / 12 = 2.728 h
    // → 164 min (rounded up); 2.728 h × 300 ₸/h = 818.40 ₸ = 81 840 minor. Unit = 163 680.
    // Items = 5 × 163 680 = 818 400; discount 5 % = 40 920; setup 1 500 ₸ = 150 000.
    // Total = 818 400 − 40 920 + 150 000 = 927 480 minor = 9 274.80 ₸.
    assert.ok(Math.abs(quote.fillFactor - 0.44) < 1e-12);
    assert.ok(Math.abs((quote.lines[0]?.massG ?? 0) - 32.736) < 1e-9);
    assert.equal(quote.lines[0]?.materialMinor, 81_840);
    assert.equal(quote.lines[0]?.machineMinor, 81_840);
    assert.equal(quote.lines[0]?.machineMinutes, 164);
    assert.equal(quote.lines[0]?.unitMinor, 163_680);
    assert.equal(quote.itemsMinor, 818_400);
    assert.equal(quote.discountPercent, 5);
    assert.equal(quote.discountMinor, 40_920);
    assert.equal(quote.setupFeeMinor, 150_000);
    assert.equal(quote.minimumSurchargeMinor, 0);
    assert.equal(quote.totalMinor, 927_480);
    assert.equal(quote.totalMachineMinutes, 820);
    assert.equal(quote.fitsBuildVolume, true);
  });

  test('a small resin part is solid and is raised to the minimum order', () => {
    const { technology, material, infillPercent } = choice('resin', 'standard', 'grey', null);
    const quote = computeQuote({ settings, currency: 'KZT', technology, material, infillPercent, quantity: 1, models: [{ volumeCm3: 1, sizeMm: [10, 10, 10] }] });
    // 1 cm³ × 1.1 = 1.1 g → 66 ₸ of resin; 1.1/20 h × 500 ₸/h = 27.50 ₸; + 1 500 ₸ setup = 1 593.50 ₸.
    assert.equal(quote.fillFactor, 1);
    assert.equal(quote.infillPercent, null);
    assert.equal(quote.lines[0]?.unitMinor, 6_600 + 2_750);
    assert.equal(quote.minimumSurchargeMinor, 200_000 - (9_350 + 150_000));
    assert.equal(quote.totalMinor, 200_000);
  });

  test('the highest discount tier reached applies, and several files add up', () => {
    const { technology, material, infillPercent } = choice('fdm', 'pla', 'white', 100);
    const models = [{ volumeCm3: 10, sizeMm: [10, 10, 100] as [number, number, number] }, { volumeCm3: 5, sizeMm: [5, 10, 100] as [number, number, number] }];
    const quote = computeQuote({ settings, currency: 'KZT', technology, material, infillPercent, quantity: 12, models });
    assert.equal(quote.discountPercent, 10);
    assert.equal(quote.lines.length, 2);
    assert.equal(quote.itemsMinor, ((quote.lines[0]?.unitMinor ?? 0) + (quote.lines[1]?.unitMinor ?? 0)) * 12);
    assert.equal(quote.discountMinor, Math.round(quote.itemsMinor / 10));
  });

  test('a model larger than every printer is flagged for a manual quote', () => {
    const { technology, material, infillPercent } = choice('resin', 'standard', 'grey', null);
    // 200 × 200 × 150 mm: the M7's 223 × 126 × 230 cannot hold it whichever way it is turned.
    const quote = computeQuote({ settings, currency: 'KZT', technology, material, infillPercent, quantity: 1, models: [{ volumeCm3: 100, sizeMm: [200, 200, 150] }] });
    assert.equal(quote.fitsBuildVolume, false);
    assert.equal(quote.lines[0]?.fitsBuildVolume, false);
  });

  test('a model fits when turned on its side, and a side longer than every axis never fits', () => {
    assert.equal(fitsVolume([120, 220, 100], [223, 126, 230]), true);
    assert.equal(fitsVolume([250, 100, 100], [223, 126, 230]), false);
  });

  test('combinations the catalogue does not offer are not resolved', () => {
    assert.equal(resolveChoice(settings, { technology: 'fdm', material: 'standard', colour: 'grey', infillPercent: 20 }), undefined);
    assert.equal(resolveChoice(settings, { technology: 'fdm', material: 'pla', colour: 'grey', infillPercent: 20 }), undefined);
    assert.equal(resolveChoice(settings, { technology: 'fdm', material: 'pla', colour: 'white', infillPercent: 33 }), undefined);
    assert.equal(fillFactor({ shellFraction: 0.3, infillPercents: [20] }, 100), 1);
  });
});
