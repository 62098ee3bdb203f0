import type { Api } from 'grammy';
import { z } from 'zod';
import type { Locale } from '../../config/business.ts';
import type { Translator } from '../../telegram/i18n.ts';

/** Settings under `settings.miniapp` in the business config. */
export const miniAppSettingsSchema = z
  .object({
    /** Whether the Mini App is offered (menu button, "Open shop") and its API answers. */
    enabled: z.boolean().default(true),
    /** How old the app's launch data (initData) may be before its calls are refused, in seconds. */
    initDataMaxAgeSeconds: z.number().int().min(60).max(7 * 24 * 3600).default(3600),
  })
  .prefault({});

/** Validated Mini App settings. */
export type MiniAppSettings = z.infer<typeof miniAppSettingsSchema>;

/**
 * The parts of the Mini App, by the modules a preset runs: `shop` for a catalogue with a cart,
 * `booking` for the clinic's calendar, `print` for the print studio's quote. The app shows the sections the server names; a new
 * section is a new name here and a new folder in web/miniapp/src/sections.
 */
export type MiniAppSection = 'shop' | 'booking' | 'print';

/** The modules each section needs. */
const SECTION_MODULES: Readonly<Record<MiniAppSection, readonly string[]>> = {
  shop: ['catalog', 'cart'],
  booking: ['booking', 'patients'],
  print: ['custom-orders'],
};

/** The texts of the app's buttons in the chat, by the app's first section: "Open shop", "Book online". */
const BUTTON_TEXTS: Readonly<Record<MiniAppSection, { open: string; menu: string }>> = {
  shop: { open: 'miniapp-open', menu: 'miniapp-menu-button' },
  booking: { open: 'miniapp-open-booking', menu: 'miniapp-menu-button-booking' },
  print: { open: 'miniapp-open-print', menu: 'miniapp-menu-button-print' },
};

/** The modules that bring a section of the app: a preset with one of them runs the Mini App. */
export const MINIAPP_SECTION_MODULES: readonly string[] = ['catalog', 'booking', 'custom-orders'];

/** Dependencies of the Mini App service. */
export interface MiniAppServiceDeps {
  settings: MiniAppSettings;
  /** The modules this deployment runs. */
  modules: readonly string[];
  /** PUBLIC_URL: where Telegram reaches this server from outside. */
  publicUrl: string | undefined;
  /** True in the sandbox, where the simulated Telegram opens the app at the local address. */
  sandbox: boolean;
  i18n: Translator;
}

/**
 * Where the Mini App lives and whether it is on. Telegram opens web apps only at https URLs,
 * so a live bot offers the app only with an https PUBLIC_URL; the sandbox's simulated Telegram
 * opens it at the address Lavka listens on.
 */
export function createMiniAppService(deps: MiniAppServiceDeps) {
  let settings = deps.settings;
  let listeningUrl: string | undefined;
  const sections = (Object.keys(SECTION_MODULES) as MiniAppSection[]).filter((section) => SECTION_MODULES[section].every((name) => deps.modules.includes(name)));
  const buttonTexts = BUTTON_TEXTS[sections[0] ?? 'shop'];

  const service = {
    /** The sections this deployment's app shows (none: the app is not offered). */
    sections(): readonly MiniAppSection[] {
      return sections;
    },

    /** Whether the app is on: the owner has not turned it off and the preset has a section for it. */
    enabled(): boolean {
      return settings.enabled && sections.length > 0;
    },

    /** How old initData may be, in seconds. */
    maxAgeSec(): number {
      return settings.initDataMaxAgeSeconds;
    },

    settings(): MiniAppSettings {
      return settings;
    },

    /** Puts new settings into effect (the config file's, or the owner's from the panel). */
    apply(value: MiniAppSettings): void {
      settings = value;
    },

    /** Called once the server listens: the sandbox's app is at this address. */
    setListeningUrl(url: string): void {
      listeningUrl = url;
    },

    /** The app's address as Telegram opens it, or undefined when Telegram cannot open it here. */
    url(): string | undefined {
      if (!service.enabled()) return undefined;
      const base = deps.publicUrl?.startsWith('https://') ? deps.publicUrl : deps.sandbox ? listeningUrl : undefined;
      return base ? `${base.replace(/\/+$/, '')}/app/` : undefined;
    },

    /** The "Open shop" (or "Book online") button for a message, in the reader's language; undefined without a URL. */
    openButton(locale: Locale): { text: string; web_app: { url: string } } | undefined {
      const url = service.url();
      return url ? { text: deps.i18n.t(locale, buttonTexts.open), web_app: { url } } : undefined;
    },

    /**
     * Sets the bot's menu button (beside the message field) to open the app, or back to the
     * command list when the app is off or has no URL. Telegram keeps one default button for
     * every chat; its text is in the business's language.
     */
    async publishMenuButton(api: Api, locale: Locale): Promise<void> {
      const url = service.url();
      await api.setChatMenuButton({
        menu_button: url ? { type: 'web_app', text: deps.i18n.t(locale, buttonTexts.menu), web_app: { url } } : { type: 'commands' },
      });
    },
  };
  return service;
}

/** The Mini App service's shape. */
export type MiniAppService = ReturnType<typeof createMiniAppService>;
