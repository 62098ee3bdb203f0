// The page of a module that ships none of its own: a table drawn from one of the module's
// routes, with the columns and titles the module declares (in the staff member's language).

import { useResource } from '../api.ts';
import { DataTable, type Column } from '../components/data.tsx';
import { Async, Card, Empty, PageHeader } from '../components/ui.tsx';
import { dateTime, money, number } from '../format.ts';
import { useI18n, useT } from '../i18n.ts';
import { useSession, type PanelTable } from '../session.tsx';

type Row = Record<string, unknown>;

/** One cell as the column's format says. */
function cellText(row: Row, column: PanelTable['columns'][number], locale: string, timeZone: string): string {
  const value = row[column.key];
  if (value === null || value === undefined) return '—';
  if (column.format === 'number' && typeof value === 'number') return number(value, locale);
  if (column.format === 'date' && typeof value === 'number') return dateTime(value, locale, timeZone);
  if (column.format === 'money' && typeof value === 'number') return money(value, typeof row.currency === 'string' ? row.currency : 'XXX', locale);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A module's table page. */
export function ModuleTablePage(props: { title: string; table: PanelTable }) {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const entry = me.nav.find((item) => item.table === props.table);
  const title = entry?.titles?.[locale] ?? props.title;
  const resource = useResource<Record<string, unknown>>(props.table.source);
  const columns: Column<Row>[] = props.table.columns.map((column) => ({
    key: column.key,
    header: column.titles[locale] ?? column.key,
    cell: (row) => cellText(row, column, locale, me.business.timeZone),
    className: column.format === 'number' || column.format === 'money' ? 'num' : undefined,
  }));
  const rowsOf = (data: Record<string, unknown>): Row[] => (Array.isArray(data[props.table.rows]) ? (data[props.table.rows] as Row[]) : []);
  return (
    <>
      <PageHeader title={title} />
      <Card padded={false}>
        <Async resource={resource} isEmpty={(data) => rowsOf(data).length === 0} empty={<Empty title={t('common.nothingYet')} />}>
          {(data) => <DataTable rows={rowsOf(data)} columns={columns} rowKey={(row) => String(row.id ?? JSON.stringify(row))} label={title} />}
        </Async>
      </Card>
    </>
  );
}
