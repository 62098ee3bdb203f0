import { SUPPORTED_LOCALES, type Locale } from '../../config/business.ts';
import { roleAllows, type StaffRole } from '../../platform/roles.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { PanelColumn, PanelPage, Runtime } from '../module.ts';

/** A text in every panel language. */
export type Titles = Record<Locale, string>;

/** A navigation entry of the panel: a page some enabled module brings. */
export interface NavEntry {
  id: string;
  /** The panel's own message id (pages the panel ships). */
  label: string;
  /** The label in every language, when it is a message of the module's locale files. */
  titles?: Titles;
  icon: string;
  group: PanelPage['group'];
  /** A page the panel draws as a table from the module's route (modules without a page of their own). */
  table?: { source: string; rows: string; columns: { key: string; titles: Titles; format: NonNullable<PanelColumn['format']> }[] };
}

/** A message of the bot's locale files in every language, or undefined when there is none. */
function titlesOf(i18n: Translator, id: string): Titles | undefined {
  if (!SUPPORTED_LOCALES.every((locale) => i18n.has(locale, id))) return undefined;
  return Object.fromEntries(SUPPORTED_LOCALES.map((locale) => [locale, i18n.t(locale, id)])) as Titles;
}

/** One page as the navigation shows it. */
function entryOf(i18n: Translator, module: string, page: PanelPage): NavEntry {
  const titles = titlesOf(i18n, page.label);
  return {
    id: page.id,
    label: page.label,
    ...(titles ? { titles } : {}),
    icon: page.icon,
    group: page.group,
    ...(page.table
      ? {
          table: {
            source: `/api/${module}${page.table.source === '/' ? '' : page.table.source}`,
            rows: page.table.rows,
            columns: page.table.columns.map((column) => ({
              key: column.key,
              titles: titlesOf(i18n, column.label) ?? (Object.fromEntries(SUPPORTED_LOCALES.map((locale) => [locale, column.key])) as Titles),
              format: column.format ?? 'text',
            })),
          },
        }
      : {}),
  };
}

/**
 * The pages a role may open, in navigation order, from the enabled modules' descriptors. A
 * page two modules bring (payments and the wallet) is shown when either allows the role.
 */
export function navigationFor(deps: { runtime: Runtime; i18n: Translator }, role: StaffRole): NavEntry[] {
  const seen = new Map<string, { entry: NavEntry; order: number }>();
  for (const item of deps.runtime.modules()) {
    for (const page of item.panel) {
      if (page.sandboxOnly && deps.runtime.mode !== 'sandbox') continue;
      if (!roleAllows(role, page.roles ?? item.staffRoles) || seen.has(page.id)) continue;
      seen.set(page.id, { entry: entryOf(deps.i18n, item.name, page), order: page.order });
    }
  }
  return [...seen.values()].sort((a, b) => a.order - b.order).map((item) => item.entry);
}
