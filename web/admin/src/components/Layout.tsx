// The frame around every page: navigation (a sidebar on wide screens, a drawer on phones)
// showing only the pages the role and the enabled modules allow, and the account menu.

import { useEffect, useState, type ReactNode } from 'react';
import { LANGUAGES, useI18n, useT, type MessageKey } from '../i18n.ts';
import { Link, useRoute } from '../router.tsx';
import { useSession } from '../session.tsx';
import type { Theme } from '../../../shared/theme.ts';
import { Icon, type IconName } from './icons.tsx';

/** Navigation entries: page id, label and icon, grouped. */
const NAV: readonly { group: MessageKey; items: readonly { id: string; label: MessageKey; icon: IconName }[] }[] = [
  {
    group: 'nav.groupBusiness',
    items: [
      { id: 'dashboard', label: 'nav.dashboard', icon: 'chart' },
      { id: 'orders', label: 'nav.orders', icon: 'bag' },
      { id: 'custom-orders', label: 'nav.customOrders', icon: 'printer' },
      { id: 'bookings', label: 'nav.bookings', icon: 'calendar' },
      { id: 'catalog', label: 'nav.catalog', icon: 'box' },
      { id: 'customers', label: 'nav.customers', icon: 'users' },
      { id: 'support', label: 'nav.support', icon: 'chat' },
      { id: 'payments', label: 'nav.payments', icon: 'wallet' },
      { id: 'broadcasts', label: 'nav.broadcasts', icon: 'megaphone' },
    ],
  },
  {
    group: 'nav.groupSettings',
    items: [
      { id: 'content', label: 'nav.content', icon: 'text' },
      { id: 'staff', label: 'nav.staff', icon: 'key' },
      { id: 'audit', label: 'nav.audit', icon: 'list' },
      { id: 'system', label: 'nav.system', icon: 'pulse' },
      { id: 'go-live', label: 'nav.goLive', icon: 'send' },
    ],
  },
];

/** The logged-in frame. */
export function Layout(props: { current: string; theme: { theme: Theme; toggleTheme(): void }; children: ReactNode }) {
  const t = useT();
  const { locale, setLocale } = useI18n();
  const { me, logout } = useSession();
  const [open, setOpen] = useState(false);
  const route = useRoute();
  useEffect(() => setOpen(false), [route.path]);

  const groups = NAV.map((group) => ({ ...group, items: group.items.filter((item) => me.pages.includes(item.id)) })).filter((group) => group.items.length > 0);
  const currentLabel = NAV.flatMap((group) => group.items).find((item) => item.id === props.current)?.label;

  return (
    <div className={`layout ${open ? 'nav-open' : ''}`}>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <button className="icon-button menu-button" onClick={() => setOpen((value) => !value)} aria-expanded={open} aria-controls="sidebar" aria-label={t('nav.menu')}>
          <Icon name="menu" />
        </button>
        <span className="topbar-title">{currentLabel ? t(currentLabel) : me.business.name}</span>
      </header>
      <aside className="sidebar" id="sidebar" aria-label={t('nav.menu')}>
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            L
          </span>
          <div className="brand-text">
            <strong>{me.business.name}</strong>
            <span className="muted">Lavka · {me.preset}</span>
          </div>
        </div>
        <nav>
          {groups.map((group) => (
            <div key={group.group} className="nav-group">
              <p className="nav-group-title">{t(group.group)}</p>
              <ul>
                {group.items.map((item) => (
                  <li key={item.id}>
                    <Link to={`/${item.id}`} className={`nav-link ${props.current === item.id ? 'active' : ''}`} aria-current={props.current === item.id ? 'page' : undefined}>
                      <Icon name={item.icon} />
                      <span>{t(item.label)}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
        <div className="sidebar-footer">
          <div className="account">
            <span className="avatar" aria-hidden="true">
              {me.staff.displayName.slice(0, 1).toUpperCase()}
            </span>
            <div className="account-text">
              <strong>{me.staff.displayName}</strong>
              <span className="muted">{t(`role.${me.staff.role}` as MessageKey)}</span>
            </div>
          </div>
          <div className="sidebar-controls">
            <label className="visually-hidden" htmlFor="language">
              {t('nav.language')}
            </label>
            <select id="language" value={locale} onChange={(event) => setLocale(event.target.value as typeof locale)} className="select-compact">
              {LANGUAGES.map((language) => (
                <option key={language.code} value={language.code}>
                  {language.name}
                </option>
              ))}
            </select>
            <button className="icon-button" onClick={props.theme.toggleTheme} aria-label={t(props.theme.theme === 'dark' ? 'nav.lightTheme' : 'nav.darkTheme')} title={t(props.theme.theme === 'dark' ? 'nav.lightTheme' : 'nav.darkTheme')}>
              <Icon name={props.theme.theme === 'dark' ? 'sun' : 'moon'} />
            </button>
            <button className="icon-button" onClick={() => void logout()} aria-label={t('nav.logout')} title={t('nav.logout')}>
              <Icon name="logout" />
            </button>
          </div>
        </div>
      </aside>
      <div className="scrim" onClick={() => setOpen(false)} aria-hidden="true" />
      <main id="main" className="content" tabIndex={-1}>
        {props.children}
      </main>
    </div>
  );
}
