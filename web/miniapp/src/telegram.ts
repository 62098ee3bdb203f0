// Telegram's WebApp object (the official telegram-web-app.js, bundled through @twa-dev/sdk:
// Lavka's pages load nothing from outside) and small helpers over it. Telegram sets the
// theme, viewport and safe-area CSS variables (--tg-theme-*, --tg-viewport-*, --tg-safe-area-*)
// on the page itself; the app's styles read them.

import sdk from '@twa-dev/sdk';
import type { WebApp as WebAppType } from '@twa-dev/types';

// The package is CommonJS with an `exports.default`: a bundler hands over either the object or
// the module around it, depending on how it reads the `__esModule` flag.
const loaded = sdk as WebAppType & { default?: WebAppType };

/** Telegram's WebApp object. */
export const WebApp: WebAppType = loaded.default ?? loaded;

/** The launch data every API call carries; empty outside Telegram. */
export function initData(): string {
  return WebApp.initData;
}

/** A light tap for a choice, a notification buzz for an outcome. */
export const haptic = {
  select(): void {
    if (WebApp.isVersionAtLeast('6.1')) WebApp.HapticFeedback.selectionChanged();
  },
  impact(): void {
    if (WebApp.isVersionAtLeast('6.1')) WebApp.HapticFeedback.impactOccurred('light');
  },
  notify(type: 'success' | 'error' | 'warning'): void {
    if (WebApp.isVersionAtLeast('6.1')) WebApp.HapticFeedback.notificationOccurred(type);
  },
};

/** The colour scheme Telegram uses now. */
export function colorScheme(): 'light' | 'dark' {
  return WebApp.colorScheme === 'dark' ? 'dark' : 'light';
}
