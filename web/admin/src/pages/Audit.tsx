// The audit log: who changed what and when, newest first, with the details of each change.

import { useEffect, useState } from 'react';
import { api, query, type ApiError } from '../api.ts';
import { Badge, Button, Card, Empty, ErrorBox, Loading, PageHeader } from '../components/ui.tsx';
import { dateTime } from '../format.ts';
import { useI18n, useT, type MessageKey } from '../i18n.ts';
import { useSession } from '../session.tsx';

interface Entry {
  id: number;
  at: number;
  actorType: 'user' | 'admin' | 'api_key' | 'system';
  actorId: string | null;
  actorName: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  details: Record<string, unknown> | null;
}

/** The audit log page. */
export function AuditPage() {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const [entries, setEntries] = useState<Entry[]>([]);
  const [next, setNext] = useState<number | null | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError>();
  const [open, setOpen] = useState<number | null>(null);

  const load = async (beforeId?: number) => {
    setLoading(true);
    setError(undefined);
    try {
      const answer = await api<{ entries: Entry[]; nextBeforeId: number | null }>('GET', `/api/admin/audit${query({ beforeId, limit: 50 })}`);
      setEntries((list) => (beforeId ? [...list, ...answer.entries] : answer.entries));
      setNext(answer.nextBeforeId);
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load();
  }, []);

  return (
    <>
      <PageHeader title={t('audit.title')} subtitle={t('audit.subtitle')} />
      <Card padded={false}>
        {error ? (
          <div className="card-body">
            <ErrorBox error={error} onRetry={() => void load()} />
          </div>
        ) : null}
        {entries.length === 0 && loading ? <Loading rows={8} /> : null}
        {entries.length === 0 && !loading && !error ? (
          <div className="card-body">
            <Empty title={t('audit.empty')} />
          </div>
        ) : null}
        {entries.length > 0 ? (
          <ul className="list audit-list">
            {entries.map((entry) => (
              <li key={entry.id} className="list-item audit-item">
                <button className="list-link list-button" aria-expanded={open === entry.id} onClick={() => setOpen(open === entry.id ? null : entry.id)}>
                  <span className="list-main">
                    <span>
                      <Badge tone={entry.actorType === 'admin' ? 'accent' : entry.actorType === 'system' ? 'neutral' : 'info'}>{t(`audit.actor.${entry.actorType}` as MessageKey)}</Badge>{' '}
                      <strong>{entry.actorName ?? entry.actorId ?? ''}</strong> <code className="small">{entry.action}</code>
                    </span>
                    <span className="muted small">
                      {dateTime(entry.at, locale, me.business.timeZone)}
                      {entry.subjectType ? ` · ${entry.subjectType} ${entry.subjectId ?? ''}` : ''}
                    </span>
                  </span>
                </button>
                {open === entry.id && entry.details ? <pre className="source">{JSON.stringify(entry.details, null, 2)}</pre> : null}
              </li>
            ))}
          </ul>
        ) : null}
        {next ? (
          <div className="card-body center">
            <Button busy={loading} onClick={() => void load(next)}>
              {t('audit.more')}
            </Button>
          </div>
        ) : null}
      </Card>
    </>
  );
}
