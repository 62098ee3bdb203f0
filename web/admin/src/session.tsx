// Who is logged in, what they may open, and the business they work for.

import { createContext, useContext } from 'react';

/** A staff role. */
export type Role = 'owner' | 'manager' | 'support' | 'accountant';

/** A navigation entry as the server declares it (from each module's descriptor). */
export interface NavEntry {
  id: string;
  /** The panel's message id of the label, e.g. `nav.orders`. */
  label: string;
  /** The label in each language, for a module's own page (its texts come from the module). */
  titles?: Record<string, string>;
  icon: string;
  group: 'business' | 'settings';
  /** A page the panel draws as a table from the module's route. */
  table?: PanelTable;
}

/** A module's table page: where its rows come from and which columns it shows. */
export interface PanelTable {
  /** The API path, e.g. `/api/notes`. */
  source: string;
  /** The field of the answer that holds the rows. */
  rows: string;
  columns: { key: string; titles: Record<string, string>; format: 'text' | 'number' | 'date' | 'money' }[];
}

/** What `/api/admin/auth/me` answers. */
export interface Me {
  staff: { id: number; displayName: string; role: Role; telegramId: number | null; login: string | null };
  csrfToken: string;
  expiresAt: number;
  pages: string[];
  /** The navigation: the pages the enabled modules bring and the role may open, in order. */
  nav: NavEntry[];
  modules: string[];
  business: { name: string; currency: string; timeZone: string; defaultLocale: string; locales: string[] };
  version: string;
  preset: string;
}

/** The session as pages see it. */
export interface SessionValue {
  me: Me;
  /** True when the role may do `action` (a page id, or `page:write`). */
  can(page: string): boolean;
  /** Reads the session again (the business's time zone or name changed in the settings). */
  refresh(): Promise<void>;
  logout(): Promise<void>;
}

/** The logged-in session; pages render only inside it. */
export const SessionContext = createContext<SessionValue | null>(null);

/** The current session (inside the logged-in layout). */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside the logged-in layout');
  return value;
}

/**
 * Roles that may change things on the panel's own pages, mirroring the server's rules so
 * that buttons a role cannot use are not shown (the server still decides). Module pages
 * allow changes to whoever may open them: a module's routes have one list of roles.
 */
export const WRITERS: Record<string, readonly Role[]> = {
  customers: ['owner', 'manager'],
  content: ['owner'],
  staff: ['owner'],
};
