// The list of simulated users, like Telegram's chat list: each row is one user's private chat
// with the bot, with the last message and how many arrived unseen. Choosing a row switches
// the page to that user; "New user" adds one with a chosen language.

import type { ReactNode } from 'react';
import type { SandboxPageConfig, SandboxUser } from '../api/sandbox-config.ts';
import { formatTime, fullName } from '../format/misc.ts';
import { Avatar } from './Avatar.tsx';
import { MoonIcon, PlusIcon, SunIcon } from './icons.tsx';

/** What the list shows about one user's chat. */
export interface ChatPreview {
  text: string;
  date: number;
  unread: number;
}

/** Props of {@link Sidebar}. */
export interface SidebarProps {
  config: SandboxPageConfig;
  users: SandboxUser[];
  currentUserId: number;
  previews: ReadonlyMap<number, ChatPreview>;
  theme: 'light' | 'dark';
  onSelect(user: SandboxUser): void;
  onAddUser(): void;
  onToggleTheme(): void;
}

/** The sidebar: sandbox title, users, and links. */
export function Sidebar(props: SidebarProps): ReactNode {
  const { config } = props;
  return (
    <aside className="sidebar" aria-label="Simulated users">
      <div className="sidebar-header">
        <div className="sidebar-brand">
          <span className="sidebar-logo" aria-hidden="true">
            L
          </span>
          <div>
            <div className="sidebar-title">Lavka sandbox</div>
            <div className="sidebar-subtitle">
              preset <strong data-testid="preset-name">{config.preset}</strong> · {config.businessName}
            </div>
          </div>
        </div>
        <button
          type="button"
          className="icon-button"
          aria-label={props.theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
          onClick={props.onToggleTheme}
        >
          {props.theme === 'dark' ? <SunIcon size={20} /> : <MoonIcon size={20} />}
        </button>
      </div>

      <nav className="user-list" aria-label="Chat as">
        <div className="user-list-heading">Chat as</div>
        <ul>
          {props.users.map((user) => {
            const preview = props.previews.get(user.id);
            const current = user.id === props.currentUserId;
            const admin = config.adminIds.includes(user.id);
            return (
              <li key={user.id}>
                <button
                  type="button"
                  className={`user-row${current ? ' is-current' : ''}`}
                  aria-current={current ? 'true' : undefined}
                  data-user-id={user.id}
                  onClick={() => props.onSelect(user)}
                >
                  <Avatar id={user.id} name={fullName(user)} size={48} />
                  <span className="user-row-main">
                    <span className="user-row-top">
                      <span className="user-row-name">{fullName(user)}</span>
                      {admin ? <span className="badge">admin</span> : null}
                      <span className="user-row-time">{preview ? formatTime(preview.date) : ''}</span>
                    </span>
                    <span className="user-row-bottom">
                      <span className="user-row-preview">{preview?.text ?? 'No messages yet'}</span>
                      {preview && preview.unread > 0 && !current ? (
                        <span className="unread" aria-label={`${preview.unread} new`}>
                          {preview.unread}
                        </span>
                      ) : null}
                    </span>
                    <span className="user-row-meta">
                      {user.username ? `@${user.username} · ` : ''}
                      {user.language_code} · id {user.id}
                    </span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
        <button type="button" className="add-user" onClick={props.onAddUser}>
          <PlusIcon size={20} />
          New user
        </button>
      </nav>

      <div className="sidebar-footer">
        {config.adminUrl ? (
          <a className="sidebar-link" href={config.adminUrl} target="_blank" rel="noopener">
            Open the admin panel
          </a>
        ) : (
          <span className="sidebar-note">The admin panel will appear here once it is enabled.</span>
        )}
        <details className="sidebar-help">
          <summary>Switch preset</summary>
          <p>Stop Lavka and start it with another preset:</p>
          <code>LAVKA_PRESET={config.presets.find((name) => name !== config.preset) ?? 'clinic'} npm start</code>
          <p>Presets: {config.presets.join(', ')}.</p>
        </details>
      </div>
    </aside>
  );
}
