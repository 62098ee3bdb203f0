// The panel: the login pages when nobody is logged in, otherwise the layout with the page
// the path names (and only pages the role and the enabled modules allow).

import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, onUnauthenticated, setCsrfToken } from './api.ts';
import { Layout } from './components/Layout.tsx';
import { ErrorBox, Loading, Toasts } from './components/ui.tsx';
import { I18nProvider, useT } from './i18n.ts';
import { AuditPage } from './pages/Audit.tsx';
import { BookingsPage } from './pages/Bookings.tsx';
import { BroadcastsPage } from './pages/Broadcasts.tsx';
import { CatalogPage } from './pages/Catalog.tsx';
import { ContentPage } from './pages/Content.tsx';
import { CustomOrdersPage } from './pages/CustomOrders.tsx';
import { CustomersPage } from './pages/Customers.tsx';
import { DashboardPage } from './pages/Dashboard.tsx';
import { GoLivePage } from './pages/GoLive.tsx';
import { LinkLoginPage, LoginPage } from './pages/Login.tsx';
import { ModuleTablePage } from './pages/ModuleTable.tsx';
import { OrdersPage } from './pages/Orders.tsx';
import { PaymentsPage } from './pages/Payments.tsx';
import { StaffPage } from './pages/Staff.tsx';
import { IntegrationsPage } from './pages/Integrations.tsx';
import { ClinicErpPage } from './pages/ClinicErp.tsx';
import { SupportPage } from './pages/Support.tsx';
import { SystemPage } from './pages/System.tsx';
import { navigate, useRoute } from './router.tsx';
import { SessionContext, WRITERS, type Me, type SessionValue } from './session.tsx';
import { useTheme } from '../../shared/theme.ts';

/** Pages by id, in navigation order. */
const PAGES: Record<string, (props: { path: string[] }) => ReactNode> = {
  dashboard: () => <DashboardPage />,
  orders: (props) => <OrdersPage path={props.path} />,
  catalog: (props) => <CatalogPage path={props.path} />,
  'custom-orders': (props) => <CustomOrdersPage path={props.path} />,
  customers: (props) => <CustomersPage path={props.path} />,
  payments: () => <PaymentsPage />,
  broadcasts: (props) => <BroadcastsPage path={props.path} />,
  bookings: () => <BookingsPage />,
  support: (props) => <SupportPage path={props.path} />,
  content: () => <ContentPage />,
  staff: () => <StaffPage />,
  integrations: () => <IntegrationsPage />,
  'clinic-erp': () => <ClinicErpPage />,
  audit: () => <AuditPage />,
  system: () => <SystemPage />,
  'go-live': () => <GoLivePage />,
};

/** The app with its providers. */
export function App() {
  const theme = useTheme('lavka-admin-theme');
  return (
    <I18nProvider>
      <Shell theme={theme} />
      <Toasts />
    </I18nProvider>
  );
}

function Shell(props: { theme: ReturnType<typeof useTheme> }) {
  const t = useT();
  const route = useRoute();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>();

  const loadMe = useCallback(async () => {
    setError(undefined);
    try {
      const answer = await api<Me>('GET', '/api/admin/auth/me');
      setCsrfToken(answer.csrfToken);
      setMe(answer);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 401) setMe(null);
      else setError(caught instanceof ApiError ? caught : new ApiError(0, 'unknown', String(caught)));
    }
  }, []);

  // The link page logs in first and loads the session itself afterwards.
  const startedOnLinkPage = useRef(route.path === '/link');
  useEffect(() => {
    onUnauthenticated(() => setMe(null));
    if (!startedOnLinkPage.current) void loadMe();
  }, [loadMe]);

  const session = useMemo<SessionValue | null>(() => {
    if (!me) return null;
    return {
      me,
      can: (page) => {
        const [base, mode] = page.split(':');
        if (!base || !me.pages.includes(base)) return false;
        if (mode !== 'write') return true;
        return WRITERS[base]?.includes(me.staff.role) ?? true;
      },
      refresh: loadMe,
      logout: async () => {
        await api('POST', '/api/admin/auth/logout').catch(() => undefined);
        setCsrfToken('');
        setMe(null);
        navigate('/login', { replace: true });
      },
    };
  }, [me, loadMe]);

  if (route.path === '/link') {
    return (
      <LinkLoginPage
        onLoggedIn={async () => {
          await loadMe();
          navigate('/', { replace: true });
        }}
      />
    );
  }
  if (me === undefined) {
    return error ? (
      <main className="center-page">
        <ErrorBox error={error} onRetry={() => void loadMe()} />
      </main>
    ) : (
      <main className="center-page" aria-busy="true">
        <Loading rows={3} />
      </main>
    );
  }
  if (me === null || !session) {
    return <LoginPage onLoggedIn={() => void loadMe().then(() => navigate(route.path === '/login' ? '/' : route.path, { replace: true }))} />;
  }

  const [first = '', ...rest] = route.path.split('/').filter(Boolean);
  const home = me.pages.find((page) => PAGES[page]) ?? 'dashboard';
  const pageId = first === '' || first === 'login' ? home : first;
  // A module without a page of its own in the panel declares a table the panel draws.
  const table = me.nav.find((entry) => entry.id === pageId)?.table;
  const render = PAGES[pageId] ?? (table ? () => <ModuleTablePage key={pageId} title={pageId} table={table} /> : undefined);
  const allowed = me.pages.includes(pageId);

  return (
    <SessionContext.Provider value={session}>
      <Layout current={pageId} theme={props.theme}>
        {render && allowed ? (
          render({ path: rest })
        ) : (
          <div className="card card-body">
            <h1>{render ? t('error.pageForbidden') : t('error.pageMissing')}</h1>
            <p className="muted">{render ? t('error.pageForbiddenHint') : t('error.pageMissingHint')}</p>
          </div>
        )}
      </Layout>
    </SessionContext.Provider>
  );
}
