// What list and detail pages share: a filters bar, a table from column definitions, a card
// that loads, pages and explains an empty list, status badges, confirm dialogs, an action
// runner with its busy state and toasts, and inputs for money and texts per language.

import { useCallback, useState, type FormEvent, type ReactNode } from 'react';
import type { Resource } from '../api.ts';
import { useT, type MessageKey } from '../i18n.ts';
import { Link, setQuery, useRoute } from '../router.tsx';
import { Icon } from './icons.tsx';
import { Async, Badge, Button, Card, Dialog, Empty, Field, Pager, toast, useErrorText, type Tone } from './ui.tsx';

/** The numeric id a detail page's path starts with (`/orders/12` → 12), if any. */
export function pathId(path: readonly string[]): number | undefined {
  const id = Number(path[0]);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

/** The list page asked for in the address (`?page=3`). */
export function usePageParam(): number {
  return Number(useRoute().search.get('page') ?? 1) || 1;
}

/**
 * Runs a change against the API: busy while it runs, a toast with `done` when it worked, the
 * server's sentence in a red toast when it did not. Resolves true on success.
 */
export function useAction(): { busy: boolean; run(task: () => Promise<unknown>, done?: string): Promise<boolean> } {
  const errorText = useErrorText();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (task: () => Promise<unknown>, done?: string) => {
      setBusy(true);
      try {
        await task();
        if (done) toast(done);
        return true;
      } catch (error) {
        toast(errorText(error as Error), 'danger');
        return false;
      } finally {
        setBusy(false);
      }
    },
    [errorText],
  );
  return { busy, run };
}

/** A row of filters above a list, with "Reset filters" once something is filtered. */
export function FilterBar(props: { children: ReactNode; filtered?: boolean; onReset?(): void; onSubmit?(): void }) {
  const t = useT();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit?.();
  };
  return (
    <form className="filters" role="search" onSubmit={submit}>
      {props.children}
      {props.filtered && props.onReset ? (
        <Button type="button" variant="ghost" onClick={props.onReset}>
          {t('common.reset')}
        </Button>
      ) : null}
    </form>
  );
}

/** A search box with its icon and label. */
export function SearchField(props: { value: string; placeholder?: string; onChange(value: string): void; label?: string }) {
  const t = useT();
  return (
    <Field label={props.label ?? t('common.search')}>
      <div className="input-icon">
        <Icon name="search" />
        <input type="search" value={props.value} placeholder={props.placeholder} onChange={(event) => props.onChange(event.target.value)} />
      </div>
    </Field>
  );
}

/** A choice among values, one of them "all" (the empty value), each label translated. */
export function SelectField<V extends string>(props: { label: string; value: V | ''; allLabel: string; options: readonly V[]; labelOf(value: V): string; onChange(value: V | ''): void }) {
  return (
    <Field label={props.label}>
      <select value={props.value} onChange={(event) => props.onChange(event.target.value as V | '')}>
        <option value="">{props.allLabel}</option>
        {props.options.map((value) => (
          <option key={value} value={value}>
            {props.labelOf(value)}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** "From" and "to" dates (`YYYY-MM-DD`) kept in the address, as every list filters periods. */
export function DateRangeFields(props: { from: string; to: string; fromKey?: string; toKey?: string }) {
  const t = useT();
  return (
    <>
      <Field label={t('orders.from')}>
        <input type="date" value={props.from} onChange={(event) => setQuery({ [props.fromKey ?? 'from']: event.target.value, page: undefined })} />
      </Field>
      <Field label={t('orders.to')}>
        <input type="date" value={props.to} onChange={(event) => setQuery({ [props.toKey ?? 'to']: event.target.value, page: undefined })} />
      </Field>
    </>
  );
}

/** A column of a {@link DataTable}. */
export interface Column<Row> {
  key: string;
  header: ReactNode;
  cell(row: Row): ReactNode;
  /** Classes for the header and the cells: `num`, `hide-sm`, `cell-title`, … */
  className?: string;
}

/**
 * A table from column definitions. `stack` turns rows into two-line cards on phones (the
 * columns name their place with `cell-title`, `cell-sub`, `cell-badge`, `cell-amount`).
 */
export function DataTable<Row>(props: {
  rows: readonly Row[];
  columns: readonly Column<Row>[];
  rowKey(row: Row): string | number;
  onRowClick?(row: Row): void;
  stack?: boolean;
  rowClassName?(row: Row): string | undefined;
  footer?: ReactNode;
  label?: string;
  className?: string;
}) {
  const classes = ['table', props.onRowClick ? 'table-clickable' : '', props.stack ? 'table-stack' : '', props.className ?? ''].filter(Boolean).join(' ');
  return (
    <div className="table-wrap">
      <table className={classes} aria-label={props.label}>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th key={column.key} className={column.className}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={props.rowKey(row)} className={props.rowClassName?.(row)} onClick={props.onRowClick ? () => props.onRowClick?.(row) : undefined}>
              {props.columns.map((column) => (
                <td key={column.key} className={column.className}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {props.footer ? <tfoot>{props.footer}</tfoot> : null}
      </table>
    </div>
  );
}

/** A link in a clickable row: opens in place, and the row's own click does not fire twice. */
export function RowLink(props: { to: string; children: ReactNode }) {
  return (
    <Link to={props.to} onClick={(event) => event.stopPropagation()}>
      {props.children}
    </Link>
  );
}

/** A page of a list as the API answers it. */
export interface Paged {
  page: number;
  pages: number;
  total: number;
}

/**
 * A list in a card: skeleton while loading, the error with a retry, a kind empty state
 * (different when filters hide everything), the content, and the pager under it.
 */
export function ListCard<T>(props: {
  resource: Resource<T>;
  isEmpty(data: T): boolean;
  filtered?: boolean;
  emptyTitle: string;
  emptyHint?: string;
  title?: ReactNode;
  actions?: ReactNode;
  rows?: number;
  paged?(data: T): Paged;
  children(data: T): ReactNode;
}) {
  const t = useT();
  return (
    <Card padded={false} title={props.title} actions={props.actions}>
      <Async
        resource={props.resource}
        rows={props.rows ?? 8}
        isEmpty={props.isEmpty}
        empty={
          <div className="card-body">
            <Empty title={props.filtered ? t('common.noneMatch') : props.emptyTitle} hint={props.filtered ? t('common.tryOtherFilters') : props.emptyHint} />
          </div>
        }
      >
        {(data) => {
          const paging = props.paged?.(data);
          return (
            <>
              {props.children(data)}
              {paging ? <Pager page={paging.page} pages={paging.pages} total={paging.total} onPage={(next) => setQuery({ page: next })} /> : null}
            </>
          );
        }}
      </Async>
    </Card>
  );
}

/** A status as a coloured label: the text from `<prefix>.<status>` when there is one. */
export function StatusBadge(props: { status: string; prefix: string; tones: Readonly<Record<string, Tone>> }) {
  const t = useT();
  const key = `${props.prefix}.${props.status}`;
  return <Badge tone={props.tones[props.status] ?? 'neutral'}>{t.has(key) ? t(key) : props.status}</Badge>;
}

/** A dialog's footer: Cancel, then the dialog's action. */
function CancelOr(props: { onClose(): void; children: ReactNode }) {
  const t = useT();
  return (
    <>
      <Button variant="ghost" onClick={props.onClose}>
        {t('common.cancel')}
      </Button>
      {props.children}
    </>
  );
}

/** A dialog asking to confirm a change, with Cancel and the action. */
export function ConfirmDialog(props: { title: ReactNode; children?: ReactNode; confirm: string; danger?: boolean; busy?: boolean; disabled?: boolean; wide?: boolean; onConfirm(): void; onClose(): void }) {
  return (
    <Dialog
      title={props.title}
      onClose={props.onClose}
      wide={props.wide}
      footer={
        <CancelOr onClose={props.onClose}>
          <Button variant={props.danger ? 'danger' : 'primary'} busy={props.busy} disabled={props.disabled} onClick={props.onConfirm}>
            {props.confirm}
          </Button>
        </CancelOr>
      }
    >
      {props.children}
    </Dialog>
  );
}

/**
 * A dialog around one form: Cancel and the submit button, busy while the form is sent, and
 * what went wrong — `check`'s sentence before sending, or the server's refusal — under it.
 */
export function FormDialog(props: {
  title: ReactNode;
  formId: string;
  submitLabel: string;
  /** False keeps the submit button off (a required field is empty). */
  ready: boolean;
  wide?: boolean;
  /** A sentence when the form cannot be sent as it is; undefined when it can. */
  check?(): string | undefined;
  /** Sends the form; a thrown error is shown in the panel's words. */
  send(): Promise<void>;
  onClose(): void;
  children: ReactNode;
}) {
  const errorText = useErrorText();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const refusal = props.check?.();
    if (refusal) {
      setError(refusal);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await props.send();
    } catch (caught) {
      setError(errorText(caught as Error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={props.title}
      onClose={props.onClose}
      wide={props.wide}
      footer={
        <CancelOr onClose={props.onClose}>
          <Button variant="primary" type="submit" form={props.formId} busy={busy} disabled={!props.ready}>
            {props.submitLabel}
          </Button>
        </CancelOr>
      }
    >
      <form id={props.formId} className="form" onSubmit={submit}>
        {props.children}
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </Dialog>
  );
}

/** "← Orders" above a detail page. */
export function BackLink(props: { to: string; label: MessageKey }) {
  const t = useT();
  return (
    <p className="breadcrumbs">
      <Link to={props.to}>← {t(props.label)}</Link>
    </p>
  );
}

/** The panel's content languages, in the order businesses here write them. */
export const CONTENT_LOCALES = ['ru', 'kk', 'en'] as const;
/** One of {@link CONTENT_LOCALES}. */
export type ContentLocale = (typeof CONTENT_LOCALES)[number];
/** A text per content language (empty: not given). */
export type Texts = Partial<Record<ContentLocale, string>>;

const LOCALE_LABEL: Record<ContentLocale, string> = { ru: 'Русский', kk: 'Қазақша', en: 'English' };

/** Inputs for one text in each language: what customers read in the bot. */
export function TextsField(props: { label: string; value: Texts; onChange(value: Texts): void; multiline?: boolean; maxLength: number; hint?: string; required?: boolean }) {
  return (
    <fieldset className="texts-field">
      <legend className="field-label">{props.label}</legend>
      {CONTENT_LOCALES.map((locale) => (
        <label key={locale} className="texts-row">
          <span className="texts-locale" title={LOCALE_LABEL[locale]}>
            {locale.toUpperCase()}
          </span>
          {props.multiline ? (
            <textarea rows={2} maxLength={props.maxLength} value={props.value[locale] ?? ''} aria-label={`${props.label} (${LOCALE_LABEL[locale]})`} onChange={(event) => props.onChange({ ...props.value, [locale]: event.target.value })} />
          ) : (
            <input maxLength={props.maxLength} value={props.value[locale] ?? ''} aria-label={`${props.label} (${LOCALE_LABEL[locale]})`} onChange={(event) => props.onChange({ ...props.value, [locale]: event.target.value })} />
          )}
        </label>
      ))}
      {props.hint ? <span className="field-hint">{props.hint}</span> : null}
    </fieldset>
  );
}

/** Texts without blanks, as the API takes them; true when at least one language is given. */
export function cleanTexts(value: Texts): { texts: Texts; any: boolean } {
  const texts: Texts = {};
  for (const locale of CONTENT_LOCALES) {
    const text = value[locale]?.trim();
    if (text) texts[locale] = text;
  }
  return { texts, any: Object.keys(texts).length > 0 };
}

/** The text in the reader's language, else the first one given. */
export function pickText(value: Texts | Record<string, string | undefined>, locale: string): string {
  const record = value as Record<string, string | undefined>;
  return record[locale] || CONTENT_LOCALES.map((code) => record[code]).find(Boolean) || '';
}
