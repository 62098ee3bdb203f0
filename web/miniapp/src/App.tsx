// The Mini App: the session first (who opened it, in which language, which sections the
// preset has), then the sections. Each section is a folder of sections/ with its own screens,
// plugged in here by the name the server sends: the shop's storefront, the clinic's booking, the print studio's quote.

import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, type Session } from './api.ts';
import { translator } from './i18n.ts';
import type { SectionProps } from './sections/section.ts';
import { BookingSection } from './sections/booking/BookingSection.tsx';
import { PrintSection } from './sections/print/PrintSection.tsx';
import { ShopSection } from './sections/shop/ShopSection.tsx';
import { colorScheme, initData, WebApp } from './telegram.ts';

/** The sections the app knows, by the name the server gives them. */
const SECTIONS: Record<string, (props: SectionProps) => ReactNode> = {
  shop: ShopSection,
  booking: BookingSection,
  print: PrintSection,
};

export function App(): ReactNode {
  const [session, setSession] = useState<Session>();
  const [error, setError] = useState<ApiError | Error>();
  const [scheme, setScheme] = useState(colorScheme());

  const load = useCallback(() => {
    setError(undefined);
    api<Session>('GET', '/app/session').then(setSession, (failure: unknown) => setError(failure as Error));
  }, []);

  useEffect(() => {
    if (initData()) load();
    else setError(new ApiError(401, 'miniapp.unauthenticated', 'outside Telegram'));
    const onTheme = () => setScheme(colorScheme());
    WebApp.onEvent('themeChanged', onTheme);
    return () => {
      WebApp.offEvent('themeChanged', onTheme);
    };
  }, [load]);

  useEffect(() => {
    document.documentElement.dataset.scheme = scheme;
  }, [scheme]);

  useEffect(() => {
    if (session) document.documentElement.lang = session.locale;
  }, [session]);

  const t = translator(session?.locale ?? WebApp.initDataUnsafe.user?.language_code ?? 'en');
  if (error) {
    const expired = error instanceof ApiError && error.code === 'miniapp.init_data_expired';
    const outside = error instanceof ApiError && error.code === 'miniapp.unauthenticated';
    return (
      <main className="screen centered" role="alert">
        <h1>{t('error.title')}</h1>
        <p>{expired ? t('error.expired') : outside ? t('error.outside') : error.message}</p>
        {!expired && !outside ? (
          <button type="button" className="button" onClick={load}>
            {t('error.retry')}
          </button>
        ) : null}
      </main>
    );
  }
  if (!session) return <main className="screen centered">{t('loading')}</main>;
  const Section = SECTIONS[session.sections[0] ?? ''];
  return Section ? <Section session={session} t={t} /> : <main className="screen centered">{t('error.outside')}</main>;
}
