import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';
import { SUPPORTED_LOCALES, type Locale } from '../config/business.ts';

/** Values passed into a Fluent message. */
export type TranslateVariables = Record<string, FluentVariable>;

/** Where the shipped texts live: `locales/<lang>/<module>.ftl`. */
export const LOCALES_DIR = path.resolve(import.meta.dirname, '../../locales');

/** Translates message ids into the supported languages, with business overrides on top. */
export interface Translator {
  readonly locales: readonly Locale[];
  readonly defaultLocale: Locale;
  /** The message in `locale`, falling back to the default language, then English, then the id. */
  t(locale: Locale, key: string, variables?: TranslateVariables): string;
  /** True when the message exists in the locale's shipped texts or overrides. */
  has(locale: Locale, key: string): boolean;
  /** Replaces the business's overrides for one language (from the config file or the admin panel). */
  setOverrides(locale: Locale, messages: Record<string, string>): string[];
  /** Every message id shipped for a locale, for the admin panel's text editor. */
  keys(locale: Locale): string[];
}

/** Options for {@link createTranslator}. */
export interface TranslatorOptions {
  defaultLocale: Locale;
  localesDir?: string;
  overrides?: Partial<Record<Locale, Record<string, string>>>;
}

/**
 * Reads the `.ftl` files under `locales/<lang>/` into one Fluent bundle per language, the
 * default language's at once and the others' when first used. Bidi isolation marks are off:
 * Telegram shows them as stray characters around values.
 */
export function createTranslator(options: TranslatorOptions): Translator {
  const localesDir = options.localesDir ?? LOCALES_DIR;
  const overrides = new Map<Locale, FluentBundle>();
  // A language's shipped texts are parsed the first time a message in it is asked for: a start
  // parses only the business's default language (whose errors stop it, as before) before the
  // bot polls, and the others when first needed — usually the command menu and description,
  // published in every language right after the first poll (src/app.ts).
  const shipped = new Map<Locale, ShippedTexts>();
  const shippedIn = (locale: Locale): ShippedTexts | undefined => {
    let texts = shipped.get(locale);
    if (!texts && SUPPORTED_LOCALES.includes(locale)) {
      texts = readShipped(localesDir, locale);
      shipped.set(locale, texts);
    }
    return texts;
  };
  shippedIn(options.defaultLocale);

  const format = (bundle: FluentBundle | undefined, key: string, variables?: TranslateVariables) => {
    const [id, attribute] = key.split('.', 2) as [string, string | undefined];
    const message = bundle?.getMessage(id);
    if (!bundle || !message) return undefined;
    const pattern = attribute ? message.attributes[attribute] : message.value;
    if (!pattern) return undefined;
    return bundle.formatPattern(pattern, variables);
  };

  const translator: Translator = {
    locales: SUPPORTED_LOCALES,
    defaultLocale: options.defaultLocale,
    t(locale, key, variables) {
      const chain: Locale[] = [locale, options.defaultLocale, 'en'];
      for (const candidate of chain) {
        const text = format(overrides.get(candidate), key, variables) ?? format(shippedIn(candidate)?.bundle, key, variables);
        if (text !== undefined) return text;
      }
      return key;
    },
    has(locale, key) {
      const id = key.split('.', 1)[0] as string;
      return Boolean(overrides.get(locale)?.hasMessage(id) || shippedIn(locale)?.bundle.hasMessage(id));
    },
    setOverrides(locale, messages) {
      const bundle = new FluentBundle(locale, { useIsolating: false });
      const problems: string[] = [];
      for (const [id, text] of Object.entries(messages)) {
        if (!/^[a-zA-Z][\w-]*$/.test(id)) {
          problems.push(`${id}: not a message id`);
          continue;
        }
        // Indent continuation lines so multi-line texts stay one Fluent message.
        const source = `${id} = ${text.replace(/\n/g, '\n    ')}\n`;
        const resource = new FluentResource(source);
        // Fluent skips unparsable text silently; a message missing from the result is broken.
        if (!resource.body.some((entry) => entry.id === id)) {
          problems.push(`${id}: not valid Fluent syntax (check the { $variables } braces)`);
          continue;
        }
        const errors = bundle.addResource(resource, { allowOverrides: true });
        problems.push(...errors.map((error) => `${id}: ${error.message}`));
      }
      overrides.set(locale, bundle);
      return problems;
    },
    keys(locale) {
      return [...(shippedIn(locale)?.ids ?? [])].sort();
    },
  };

  for (const [locale, messages] of Object.entries(options.overrides ?? {})) {
    if (messages) {
      const problems = translator.setOverrides(locale as Locale, messages);
      if (problems.length > 0) throw new Error(`texts.${locale}: ${problems.join('; ')}`);
    }
  }
  return translator;
}

/** One language's shipped texts: its Fluent bundle and the ids of its messages. */
interface ShippedTexts {
  bundle: FluentBundle;
  ids: Set<string>;
}

/** Parses every `.ftl` file of one language; a file Fluent cannot parse is an error. */
function readShipped(localesDir: string, locale: Locale): ShippedTexts {
  const bundle = new FluentBundle(locale, { useIsolating: false });
  const ids = new Set<string>();
  const dir = path.join(localesDir, locale);
  for (const file of listFtl(dir)) {
    const resource = new FluentResource(readFileSync(path.join(dir, file), 'utf8'));
    const errors = bundle.addResource(resource);
    if (errors.length > 0) {
      throw new Error(`locales/${locale}/${file}: ${errors.map((error) => error.message).join('; ')}`);
    }
    for (const entry of resource.body) if (!entry.id.startsWith('-')) ids.add(entry.id);
  }
  return { bundle, ids };
}

function listFtl(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((file) => file.endsWith('.ftl'))
      .sort();
  } catch {
    return [];
  }
}
