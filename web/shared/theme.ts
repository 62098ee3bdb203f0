// Light or dark for Lavka's web apps (the admin panel, the sandbox chat): follows the system
// until the user picks one, then remembers the choice under the app's own key.

import { useEffect, useState } from 'react';

/** The two themes. */
export type Theme = 'light' | 'dark';

/** The current theme and a toggle; `storageKey` keeps each app's choice apart. */
export function useTheme(storageKey: string): { theme: Theme; toggleTheme(): void } {
  const [media] = useState(() => window.matchMedia('(prefers-color-scheme: dark)'));
  const [chosen, setChosen] = useState<Theme | null>(() => {
    const stored = localStorage.getItem(storageKey);
    return stored === 'light' || stored === 'dark' ? stored : null;
  });
  const [system, setSystem] = useState<Theme>(media.matches ? 'dark' : 'light');

  useEffect(() => {
    const listener = (event: MediaQueryListEvent) => setSystem(event.matches ? 'dark' : 'light');
    media.addEventListener('change', listener);
    return () => media.removeEventListener('change', listener);
  }, [media]);

  const theme = chosen ?? system;
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  return {
    theme,
    toggleTheme() {
      const next = theme === 'dark' ? 'light' : 'dark';
      localStorage.setItem(storageKey, next);
      setChosen(next);
    },
  };
}
