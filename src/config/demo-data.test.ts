// The presets' demo data is the first thing an owner reads: these are the facts about it that
// once read wrong (a cardiologist under "General practitioner", a test card number and "pay in
// rubles at your bank's rate" for an amount already in rubles).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadBusinessConfig } from './business.ts';

type Texts = Record<string, string>;
interface DemoDoctor {
  name: Texts;
  specialty: Texts;
  services: string[];
}
interface ManualVariant {
  id: string;
  label: Texts | string;
  requisites: Texts | string;
}

/** What each clinic service's doctor is called in each language. */
const SPECIALTY_OF_SERVICE: Record<string, Texts> = {
  therapist: { ru: 'терапевт', en: 'general practitioner', kk: 'терапевт' },
  cardiologist: { ru: 'кардиолог', en: 'cardiologist', kk: 'кардиолог' },
  ultrasound: { ru: 'врач УЗИ', en: 'ultrasound specialist', kk: 'УДЗ дәрігері' },
  pediatrician: { ru: 'педиатр', en: 'paediatrician', kk: 'педиатр' },
};

const PRESETS = ['shop', 'print3d', 'clinic', 'stars', 'billing'] as const;

async function manualVariants(preset: string): Promise<ManualVariant[]> {
  const config = await loadBusinessConfig({ preset });
  const payments = config.settings.payments as { manual?: { variants?: ManualVariant[] } } | undefined;
  return payments?.manual?.variants ?? [];
}

const textsOf = (value: Texts | string): string[] => (typeof value === 'string' ? [value] : Object.values(value));

describe('the presets’ demo data reads as real', () => {
  test('every clinic doctor offers only services their specialty names, in every language', async () => {
    const config = await loadBusinessConfig({ preset: 'clinic' });
    const doctors = (config.demo.booking as { doctors: DemoDoctor[] }).doctors;
    assert.ok(doctors.length > 0);
    for (const doctor of doctors) {
      for (const service of doctor.services) {
        const names = SPECIALTY_OF_SERVICE[service];
        assert.ok(names, `a known service: ${service}`);
        for (const locale of ['ru', 'en', 'kk']) {
          assert.ok(
            doctor.specialty[locale]?.toLowerCase().includes((names[locale] as string).toLowerCase()),
            `${doctor.name.en} (${doctor.specialty[locale]}) offers ${service}, so the specialty names “${names[locale]}”`,
          );
        }
      }
    }
  });

  test('manual transfer requisites are not payment-processor test cards and never ask to convert into the price’s own currency', async () => {
    for (const preset of PRESETS) {
      const config = await loadBusinessConfig({ preset });
      for (const variant of await manualVariants(preset)) {
        for (const text of textsOf(variant.requisites)) {
          // 4000 0000 0000 0000 / 4242 4242 4242 4242 are card processors' test numbers, not a transfer's.
          assert.doesNotMatch(text, /\b4000 0000 0000 0000\b|\b4242 4242 4242 4242\b/, `${preset}/${variant.id}: ${text}`);
          if (config.business.currency === 'RUB') assert.doesNotMatch(text, /(курс|rate|бағам)[^.]*(рубл|ruble|rouble)|(рубл|ruble|rouble)[^.]*(курс|rate|бағам)/i, `${preset}/${variant.id}: ${text}`);
        }
      }
    }
  });

  test('every manual transfer has its label and requisites in each language the business speaks', async () => {
    for (const preset of PRESETS) {
      const config = await loadBusinessConfig({ preset });
      for (const variant of await manualVariants(preset)) {
        for (const field of [variant.label, variant.requisites]) {
          if (typeof field === 'string') continue;
          for (const locale of config.business.locales) assert.ok(field[locale]?.trim(), `${preset}/${variant.id} in ${locale}`);
        }
      }
    }
  });
});
