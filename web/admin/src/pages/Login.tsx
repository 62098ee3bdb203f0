// Logging in: with a password (the first owner, before a bot is reachable) or by opening the
// one-time link the bot sends for /admin. The link's token is in the URL fragment, which
// the browser never sends anywhere; this page posts it once and removes it from the address.

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, setCsrfToken } from '../api.ts';
import { Button, Field, useErrorText } from '../components/ui.tsx';
import { LANGUAGES, useI18n, useT } from '../i18n.ts';
import { navigate } from '../router.tsx';

function AuthFrame(props: { children: React.ReactNode }) {
  const { locale, setLocale } = useI18n();
  const t = useT();
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            L
          </span>
          <div className="brand-text">
            <strong>Lavka</strong>
            <span className="muted">{t('login.subtitle')}</span>
          </div>
        </div>
        {props.children}
        <div className="auth-footer">
          <label className="visually-hidden" htmlFor="auth-language">
            {t('nav.language')}
          </label>
          <select id="auth-language" className="select-compact" value={locale} onChange={(event) => setLocale(event.target.value as typeof locale)}>
            {LANGUAGES.map((language) => (
              <option key={language.code} value={language.code}>
                {language.name}
              </option>
            ))}
          </select>
        </div>
      </div>
    </main>
  );
}

/** The password login, with the way in through the bot explained first. */
export function LoginPage(props: { onLoggedIn(): void }) {
  const t = useT();
  const errorText = useErrorText();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<{ csrfToken: string }>('POST', '/public/admin/login', { login, password });
      setCsrfToken(answer.csrfToken);
      props.onLoggedIn();
    } catch (caught) {
      setError(caught instanceof ApiError && caught.code === 'admin.rate_limited' ? t('login.rateLimited') : errorText(caught as ApiError));
      setBusy(false);
    }
  };

  return (
    <AuthFrame>
      <h1 className="auth-title">{t('login.title')}</h1>
      <div className="auth-hint">
        <p>{t('login.viaBot')}</p>
        <code className="command">/admin</code>
      </div>
      <div className="divider">
        <span>{t('login.orPassword')}</span>
      </div>
      <form onSubmit={submit} className="form" noValidate>
        <Field label={t('login.login')}>
          <input name="username" autoComplete="username" value={login} onChange={(event) => setLogin(event.target.value)} required autoCapitalize="none" spellCheck={false} />
        </Field>
        <Field label={t('login.password')}>
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} required />
        </Field>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <Button variant="primary" type="submit" busy={busy} disabled={!login || !password} className="btn-block">
          {t('login.submit')}
        </Button>
      </form>
      <p className="muted small">{t('login.firstOwner')}</p>
    </AuthFrame>
  );
}

/** The landing page of a one-time link from the bot. */
export function LinkLoginPage(props: { onLoggedIn(): Promise<void> | void }) {
  const t = useT();
  const errorText = useErrorText();
  const [error, setError] = useState<string>();
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const token = window.location.hash.replace(/^#/, '');
    // The token must not stay in the address bar or the history.
    window.history.replaceState(null, '', window.location.pathname);
    if (!token) {
      setError(t('login.linkMissing'));
      return;
    }
    api<{ csrfToken: string }>('POST', '/public/admin/link', { token }).then(
      async (answer) => {
        setCsrfToken(answer.csrfToken);
        await props.onLoggedIn();
      },
      (caught: unknown) => {
        const code = caught instanceof ApiError ? caught.code : '';
        setError(
          code === 'admin.link_used'
            ? t('login.linkUsed')
            : code === 'admin.link_expired'
              ? t('login.linkExpired')
              : code === 'admin.rate_limited'
                ? t('login.rateLimited')
                : code === 'admin.link_invalid'
                  ? t('login.linkInvalid')
                  : errorText(caught as ApiError),
        );
      },
    );
  }, [props, t, errorText]);

  return (
    <AuthFrame>
      {error ? (
        <>
          <h1 className="auth-title">{t('login.linkFailed')}</h1>
          <p className="form-error" role="alert">
            {error}
          </p>
          <div className="auth-hint">
            <p>{t('login.askAgain')}</p>
            <code className="command">/admin</code>
          </div>
          <Button onClick={() => navigate('/login', { replace: true })} className="btn-block">
            {t('login.toPassword')}
          </Button>
        </>
      ) : (
        <div className="center-stack" role="status" aria-live="polite">
          <span className="spinner spinner-large" aria-hidden="true" />
          <p>{t('login.checkingLink')}</p>
        </div>
      )}
    </AuthFrame>
  );
}
