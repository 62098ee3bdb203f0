// Small building blocks every page uses: buttons, cards, states (loading, empty, error),
// tables, a pager, badges, dialogs and toasts.

import { useEffect, useRef, useState, type ButtonHTMLAttributes, type ReactNode } from 'react';
import type { ApiError, Resource } from '../api.ts';
import { useT, type MessageKey } from '../i18n.ts';

/** A button; `variant` picks the look, `busy` disables it and shows a spinner. */
export function Button(props: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary' | 'danger' | 'ghost'; busy?: boolean; size?: 'sm' | 'md' }) {
  const { variant = 'secondary', busy, size = 'md', className, children, disabled, ...rest } = props;
  return (
    <button className={`btn btn-${variant} btn-${size} ${className ?? ''}`} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy ? <span className="spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}

/** A titled panel. */
export function Card(props: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; padded?: boolean }) {
  return (
    <section className={`card ${props.className ?? ''}`}>
      {props.title || props.actions ? (
        <header className="card-header">
          {props.title ? <h2 className="card-title">{props.title}</h2> : <span />}
          {props.actions ? <div className="card-actions">{props.actions}</div> : null}
        </header>
      ) : null}
      <div className={props.padded === false ? '' : 'card-body'}>{props.children}</div>
    </section>
  );
}

/** The page's heading with optional actions on the right. */
export function PageHeader(props: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{props.title}</h1>
        {props.subtitle ? <p className="muted">{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div className="page-actions">{props.actions}</div> : null}
    </div>
  );
}

/** Placeholder rows while data loads. */
export function Loading(props: { rows?: number }) {
  const t = useT();
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="visually-hidden">{t('common.loading')}</span>
      {Array.from({ length: props.rows ?? 4 }, (_, index) => (
        <div key={index} className="skeleton" style={{ width: `${90 - ((index * 17) % 40)}%` }} />
      ))}
    </div>
  );
}

/** Nothing to show, said kindly, with an optional next step. */
export function Empty(props: { title: ReactNode; hint?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <svg width="40" height="40" viewBox="0 0 24 24" aria-hidden="true" className="empty-icon">
        <path fill="currentColor" d="M4 5h16v2H4zm0 6h16v2H4zm0 6h10v2H4z" opacity=".35" />
      </svg>
      <p className="empty-title">{props.title}</p>
      {props.hint ? <p className="muted">{props.hint}</p> : null}
      {props.action}
    </div>
  );
}

/** Turns an API error into a sentence for the person at the panel. */
export function useErrorText(): (error: ApiError | Error | undefined) => string {
  const t = useT();
  return (error) => {
    if (!error) return '';
    const status = (error as ApiError).status;
    if (status === 0) return t('error.network');
    if (status === 403 && (error as ApiError).code === 'admin.csrf_invalid') return t('error.csrf');
    if (status === 403) return error.message || t('error.forbidden');
    if (status === 404 && !error.message) return t('error.notFound');
    if (status >= 500) return t('error.server');
    return error.message || t('error.server');
  };
}

/** An error box with a retry button. */
export function ErrorBox(props: { error: ApiError | Error | undefined; onRetry?: () => void }) {
  const t = useT();
  const text = useErrorText();
  if (!props.error) return null;
  return (
    <div className="error-box" role="alert">
      <strong>{t('error.title')}</strong>
      <span>{text(props.error)}</span>
      {props.onRetry ? (
        <Button size="sm" onClick={props.onRetry}>
          {t('common.retry')}
        </Button>
      ) : null}
    </div>
  );
}

/** Renders a resource: loading, error, empty or the data. */
export function Async<T>(props: { resource: Resource<T>; rows?: number; isEmpty?: (data: T) => boolean; empty?: ReactNode; children: (data: T) => ReactNode }) {
  const { data, error, loading, reload } = props.resource;
  if (error && !data) return <ErrorBox error={error} onRetry={reload} />;
  if (data === undefined) return loading ? <Loading rows={props.rows} /> : null;
  if (props.isEmpty?.(data)) return <>{props.empty}</>;
  return (
    <div className={loading ? 'refreshing' : undefined}>
      {error ? <ErrorBox error={error} onRetry={reload} /> : null}
      {props.children(data)}
    </div>
  );
}

/** The colours a badge can have. */
export type Tone = 'neutral' | 'info' | 'ok' | 'warn' | 'danger' | 'accent';

/** A coloured label, e.g. an order status. */
export function Badge(props: { tone?: Tone; children: ReactNode }) {
  return <span className={`badge badge-${props.tone ?? 'neutral'}`}>{props.children}</span>;
}

/** Previous / next page controls with "page N of M". */
export function Pager(props: { page: number; pages: number; total?: number; onPage(page: number): void }) {
  const t = useT();
  if (props.pages <= 1) return props.total !== undefined ? <p className="pager muted">{t('common.total', { n: props.total })}</p> : null;
  return (
    <nav className="pager" aria-label={t('common.pages')}>
      <Button size="sm" disabled={props.page <= 1} onClick={() => props.onPage(props.page - 1)}>
        ← {t('common.previous')}
      </Button>
      <span className="muted">
        {t('common.pageOf', { page: props.page, pages: props.pages })}
        {props.total !== undefined ? ` · ${t('common.total', { n: props.total })}` : ''}
      </span>
      <Button size="sm" disabled={props.page >= props.pages} onClick={() => props.onPage(props.page + 1)}>
        {t('common.next')} →
      </Button>
    </nav>
  );
}

/** A modal dialog: focus moves in, Escape closes, focus returns when it closes. */
export function Dialog(props: { title: ReactNode; onClose(): void; children: ReactNode; footer?: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const { onClose } = props;
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>('input, textarea, select, button:not(.dialog-close)');
    (first ?? ref.current)?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      previous?.focus();
    };
  }, [onClose]);
  return (
    <div className="dialog-backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div className={`dialog ${props.wide ? 'dialog-wide' : ''}`} role="dialog" aria-modal="true" aria-labelledby="dialog-title" ref={ref} tabIndex={-1}>
        <header className="dialog-header">
          <h2 id="dialog-title">{props.title}</h2>
          <button className="icon-button dialog-close" onClick={onClose} aria-label="×">
            ×
          </button>
        </header>
        <div className="dialog-body">{props.children}</div>
        {props.footer ? <footer className="dialog-footer">{props.footer}</footer> : null}
      </div>
    </div>
  );
}

/** A labelled form field. */
export function Field(props: { label: ReactNode; hint?: ReactNode; children: ReactNode; error?: string }) {
  return (
    <label className="field">
      <span className="field-label">{props.label}</span>
      {props.children}
      {props.error ? <span className="field-error">{props.error}</span> : props.hint ? <span className="field-hint">{props.hint}</span> : null}
    </label>
  );
}

type Toast = { id: number; text: string; tone: 'ok' | 'danger' };
let pushToast: ((toast: Omit<Toast, 'id'>) => void) | undefined;

/** Shows a short message at the bottom of the screen. */
export function toast(text: string, tone: Toast['tone'] = 'ok'): void {
  pushToast?.({ text, tone });
}

/** Where toasts appear; render once. */
export function Toasts() {
  const [items, setItems] = useState<Toast[]>([]);
  useEffect(() => {
    let next = 1;
    pushToast = (item) => {
      const id = next++;
      // A burst of changes shows the latest three, not a wall over the page.
      setItems((list) => [...list, { ...item, id }].slice(-3));
      setTimeout(() => setItems((list) => list.filter((entry) => entry.id !== id)), 4000);
    };
    return () => {
      pushToast = undefined;
    };
  }, []);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {items.map((item) => (
        <div key={item.id} className={`toast toast-${item.tone}`}>
          {item.text}
        </div>
      ))}
    </div>
  );
}

/** A row of segmented buttons (a tab-like choice). */
export function Segmented<V extends string>(props: { value: V; options: readonly { value: NoInfer<V>; label: ReactNode }[]; onChange(value: NoInfer<V>): void; label: string }) {
  return (
    <div className="segmented" role="group" aria-label={props.label}>
      {props.options.map((option) => (
        <button key={option.value} className={option.value === props.value ? 'active' : ''} aria-pressed={option.value === props.value} onClick={() => props.onChange(option.value)}>
          {option.label}
        </button>
      ))}
    </div>
  );
}

/** A key to translate, or plain text. */
export type Label = MessageKey | { text: string };
