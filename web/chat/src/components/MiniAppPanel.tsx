// A bot's Mini App opened in the sandbox, as Telegram's web client opens one: the app's page in
// an iframe of a phone-sized panel, its launch data (initData) signed by the simulated Telegram
// with the bot's token, and the host side of Telegram's web app protocol — the messages
// telegram-web-app.js posts to its parent (MainButton, BackButton, invoices, links, theme,
// viewport, haptics) answered as Telegram answers them. The MainButton and BackButton are drawn
// here, below and above the app, where Telegram draws them.

import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { SimClient } from '../api/client.ts';
import type { SandboxUser } from '../api/sandbox-config.ts';

/** Props of {@link MiniAppPanel}. */
export interface MiniAppPanelProps {
  url: string;
  title: string;
  viewer: SandboxUser;
  client: SimClient;
  onClose(): void;
  toast(text: string, tone?: 'info' | 'error'): void;
}

/** Telegram's theme parameters for the sandbox page's two themes (Telegram Web's colours). */
const THEMES = {
  light: {
    bg_color: '#ffffff', text_color: '#000000', hint_color: '#707579', link_color: '#3390ec', button_color: '#3390ec', button_text_color: '#ffffff',
    secondary_bg_color: '#f4f4f5', header_bg_color: '#ffffff', section_bg_color: '#ffffff', accent_text_color: '#3390ec', destructive_text_color: '#e53935', subtitle_text_color: '#707579', section_header_text_color: '#3390ec',
  },
  dark: {
    bg_color: '#212121', text_color: '#ffffff', hint_color: '#aaaaaa', link_color: '#8774e1', button_color: '#8774e1', button_text_color: '#ffffff',
    secondary_bg_color: '#181818', header_bg_color: '#212121', section_bg_color: '#2c2c2c', accent_text_color: '#8774e1', destructive_text_color: '#ff595a', subtitle_text_color: '#aaaaaa', section_header_text_color: '#8774e1',
  },
} as const;

const pageTheme = (): 'light' | 'dark' => (document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light');

interface MainButtonState {
  visible: boolean;
  active: boolean;
  text: string;
  progress: boolean;
}

export function MiniAppPanel(props: MiniAppPanelProps): ReactNode {
  const frame = useRef<HTMLIFrameElement>(null);
  const [src, setSrc] = useState<string>();
  const [mainButton, setMainButton] = useState<MainButtonState>({ visible: false, active: true, text: '', progress: false });
  const [backVisible, setBackVisible] = useState(false);
  const [invoice, setInvoice] = useState<string>();
  const [paying, setPaying] = useState(false);
  const origin = new URL(props.url, window.location.href).origin;
  const { client, viewer, toast, onClose } = props;

  /** Sends an event to the app, as Telegram's client does (a JSON string in a message). */
  const send = (eventType: string, eventData: unknown = {}) => frame.current?.contentWindow?.postMessage(JSON.stringify({ eventType, eventData }), origin);

  useEffect(() => {
    let cancelled = false;
    client.webAppInitData(viewer.id).then(
      (initData) => {
        if (cancelled) return;
        const hash = new URLSearchParams({ tgWebAppData: initData, tgWebAppVersion: '8.0', tgWebAppPlatform: 'weba', tgWebAppThemeParams: JSON.stringify(THEMES[pageTheme()]) });
        setSrc(`${props.url}#${hash.toString()}`);
      },
      (error: Error) => toast(error.message, 'error'),
    );
    return () => {
      cancelled = true;
    };
  }, [props.url, viewer.id, client, toast]);

  // The page's theme switch reaches the app as Telegram's theme_changed.
  useEffect(() => {
    const observer = new MutationObserver(() => send('theme_changed', { theme_params: THEMES[pageTheme()] }));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  });

  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      if (event.source !== frame.current?.contentWindow || typeof event.data !== 'string') return;
      let message: { eventType?: string; eventData?: Record<string, unknown> };
      try {
        message = JSON.parse(event.data) as typeof message;
      } catch {
        return;
      }
      const data = message.eventData ?? {};
      switch (message.eventType) {
        case 'web_app_setup_main_button':
          setMainButton({ visible: data.is_visible === true, active: data.is_active !== false, text: String(data.text ?? ''), progress: data.is_progress_visible === true });
          break;
        case 'web_app_setup_back_button':
          setBackVisible(data.is_visible === true);
          break;
        case 'web_app_request_theme':
          send('theme_changed', { theme_params: THEMES[pageTheme()] });
          break;
        case 'web_app_request_viewport': {
          const height = frame.current?.clientHeight ?? 600;
          send('viewport_changed', { height, is_expanded: true, is_state_stable: true });
          break;
        }
        case 'web_app_request_safe_area':
          send('safe_area_changed', { top: 0, bottom: 0, left: 0, right: 0 });
          break;
        case 'web_app_request_content_safe_area':
          send('content_safe_area_changed', { top: 0, bottom: 0, left: 0, right: 0 });
          break;
        case 'web_app_open_invoice':
          setInvoice(String(data.slug ?? ''));
          break;
        case 'web_app_open_link':
          window.open(String(data.url ?? ''), '_blank', 'noopener,noreferrer');
          break;
        case 'web_app_trigger_haptic_feedback':
          frame.current?.parentElement?.setAttribute('data-haptic', `${String(data.type)}:${Date.now()}`);
          break;
        case 'web_app_close':
          onClose();
          break;
        default:
          break;
      }
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  });

  /** Telegram's payment sheet for an invoice link: paying runs the simulator's flow (pre-checkout to the bot). */
  const payInvoice = async (slug: string, pay: boolean) => {
    if (!pay) {
      setInvoice(undefined);
      send('invoice_closed', { slug, status: 'cancelled' });
      return;
    }
    setPaying(true);
    try {
      const result = await client.payInvoiceLink(viewer.id, slug);
      send('invoice_closed', { slug, status: result === 'paid' ? 'paid' : 'failed' });
      if (result !== 'paid') toast(`The bot declined the payment (${result}).`, 'error');
    } catch (error) {
      send('invoice_closed', { slug, status: 'failed' });
      toast((error as Error).message, 'error');
    } finally {
      setPaying(false);
      setInvoice(undefined);
    }
  };

  return (
    <div className="miniapp-backdrop">
      <section className="miniapp-panel" role="dialog" aria-label={`${props.title} Mini App`}>
        <header className="miniapp-header">
          {backVisible ? (
            <button type="button" className="miniapp-header-button" onClick={() => send('back_button_pressed')}>
              ‹ Back
            </button>
          ) : (
            <button type="button" className="miniapp-header-button" onClick={onClose}>
              Close
            </button>
          )}
          <span className="miniapp-title">{props.title}</span>
          <span className="miniapp-header-spacer" />
        </header>
        {src ? <iframe ref={frame} className="miniapp-frame" src={src} title={`${props.title} app`} /> : <div className="miniapp-frame" aria-busy="true" />}
        {mainButton.visible ? (
          <button type="button" className="miniapp-main-button" disabled={!mainButton.active || mainButton.progress} onClick={() => send('main_button_pressed')}>
            {mainButton.progress ? '…' : mainButton.text}
          </button>
        ) : null}
        {invoice !== undefined ? (
          <div className="miniapp-invoice" role="dialog" aria-label="Payment">
            <p>Telegram payment (simulated): pay this invoice with a test card or Stars?</p>
            <div className="miniapp-invoice-actions">
              <button type="button" onClick={() => void payInvoice(invoice, false)} disabled={paying}>
                Cancel
              </button>
              <button type="button" className="pay-button" onClick={() => void payInvoice(invoice, true)} disabled={paying}>
                {paying ? 'Processing…' : 'Pay'}
              </button>
            </div>
          </div>
        ) : null}
      </section>
    </div>
  );
}
