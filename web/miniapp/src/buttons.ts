// Telegram's own buttons, drawn by Telegram below and above the app: the MainButton for the
// screen's one main action and the BackButton for going back. A screen declares what it wants;
// the hook keeps Telegram's buttons in step and removes the handlers when the screen goes.

import { useEffect, useRef } from 'react';
import { haptic, WebApp } from './telegram.ts';

/** Shows the MainButton with `text` while the screen is shown; hides it when `text` is undefined. */
export function useMainButton(text: string | undefined, onClick: () => void, options: { active?: boolean; progress?: boolean } = {}): void {
  const handler = useRef(onClick);
  handler.current = onClick;
  const active = options.active ?? true;
  const progress = options.progress ?? false;
  useEffect(() => {
    const button = WebApp.MainButton;
    if (text === undefined) {
      button.hide();
      return;
    }
    const click = () => {
      haptic.impact();
      handler.current();
    };
    button.setParams({ text, is_visible: true, is_active: active && !progress, color: WebApp.themeParams.button_color, text_color: WebApp.themeParams.button_text_color });
    if (progress) button.showProgress(false);
    else button.hideProgress();
    button.onClick(click);
    return () => {
      button.offClick(click);
    };
  }, [text, active, progress]);
  useEffect(() => () => void WebApp.MainButton.hide(), []);
}

/** Shows the BackButton while `onBack` is given. */
export function useBackButton(onBack: (() => void) | undefined): void {
  const handler = useRef(onBack);
  handler.current = onBack;
  const shown = onBack !== undefined;
  useEffect(() => {
    if (!WebApp.isVersionAtLeast('6.1')) return;
    const button = WebApp.BackButton;
    if (!shown) {
      button.hide();
      return;
    }
    const click = () => handler.current?.();
    button.show();
    button.onClick(click);
    return () => {
      button.offClick(click);
    };
  }, [shown]);
}
