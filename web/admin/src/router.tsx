// A small router over the History API: the panel has a dozen flat pages, which does not
// justify a routing library. Paths are relative to /admin/.

import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** Where the panel is served. */
export const BASE = '/admin';

function currentRoute(): { path: string; search: URLSearchParams } {
  const path = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) || '/' : '/';
  return { path, search: new URLSearchParams(window.location.search) };
}

const listeners = new Set<() => void>();

/** Goes to a panel path such as `/orders/12` (or `/orders?status=new`). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = `${BASE}${to}`;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  for (const listener of listeners) listener();
  window.scrollTo({ top: 0 });
}

/** The current path and query; re-renders on navigation. */
export function useRoute(): { path: string; search: URLSearchParams } {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** Updates query parameters of the current page without adding history entries. */
export function setQuery(values: Record<string, string | number | undefined | null>): void {
  const { path, search } = currentRoute();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === '') search.delete(key);
    else search.set(key, String(value));
  }
  const text = search.toString();
  navigate(`${path}${text ? `?${text}` : ''}`, { replace: true });
}

/** A link inside the panel: a real <a> (open in a new tab works) that navigates in place. */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const { to, onClick, ...rest } = props;
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={`${BASE}${to}`} onClick={handle} {...rest} />;
}
