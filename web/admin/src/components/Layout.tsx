// The frame around every page: navigation (a sidebar on wide screens, a drawer on phones)
// built from the pages the enabled modules declare and the role may open, and the account menu.

import { useEffect, useState, type ReactNode } from 'react';
import { LANGUAGES, useI18n, useT, type MessageKey } from '../i18n.ts';
import { Link, useRoute } from '../router.tsx';
import { useSession, type NavEntry } from '../session.tsx';
import type { Theme } from '../../../shared/theme.ts';
import { Icon, isIconName, type IconName } from './icons.tsx';

/** The navigation groups, in order; their entries come from the server (each module declares its pages). */
const GROUPS: readonly { id: NavEntry['group']; title: MessageKey }[] = [
  { id: 'business', title: 'nav.groupBusiness' },
  { id: 'settings', title: 'nav.groupSettings' },
];

/** The logged-in frame. */
export function Layout(props: { current: string; theme: { theme: Theme; toggleTheme(): void }; children: ReactNode }) {
  const t = useT();
  const { locale, setLocale } = useI18n();
  const { me, logout } = useSession();
  const [open, setOpen] = useState(false);
  const route = useRoute();
  useEffect(() => setOpen(false), [route.path]);

  // A label or icon the panel does not know (a newer module) shows its page id and a plain icon.
  const labelOf = (entry: NavEntry) => entry.titles?.[locale] ?? (t.has(entry.label) ? t(entry.label) : entry.id);
  const iconOf = (entry: NavEntry): IconName => (isIconName(entry.icon) ? entry.icon : 'list');
  const groups = GROUPS.map((group) => ({ group: group.title, items: me.nav.filter((entry) => entry.group === group.id) })).filter((group) => group.items.length > 0);
  const current = me.nav.find((entry) => entry.id === props.current);

  return (
    <div className={`layout ${open ? 'nav-open' : ''}`}>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <button className="icon-button menu-button" onClick={() => setOpen((value) => !value)} aria-expanded={open} aria-controls="sidebar" aria-label={t('nav.menu')}>
          <Icon name="menu" />
        </button>
        <span className="topbar-title">{current ? labelOf(current) : me.business.name}</span>
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
                      <Icon name={iconOf(item)} />
                      <span>{labelOf(item)}</span>
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
