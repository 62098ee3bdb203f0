// Content and settings: the FAQ, the bot's texts per language (the owner's wording over the
// shipped one), and the business settings that can change while the bot runs (Settings.tsx).

import { useMemo, useState, type FormEvent } from 'react';
import { api, query, useResource } from '../api.ts';
import { Icon } from '../components/icons.tsx';
import { Async, Badge, Button, Card, Dialog, Empty, Field, PageHeader, Segmented, toast, useErrorText } from '../components/ui.tsx';
import { useT } from '../i18n.ts';
import { setQuery, useRoute } from '../router.tsx';
import { useSession } from '../session.tsx';
import { SettingsEditor } from './Settings.tsx';

type Tab = 'faq' | 'texts' | 'settings';

/** The content and settings page. */
export function ContentPage() {
  const t = useT();
  const { search } = useRoute();
  const tab = (search.get('tab') ?? 'faq') as Tab;
  return (
    <>
      <PageHeader
        title={t('content.title')}
        actions={
          <Segmented
            label={t('content.title')}
            value={tab}
            onChange={(value) => setQuery({ tab: value })}
            options={[
              { value: 'faq', label: t('content.faq') },
              { value: 'texts', label: t('content.texts') },
              { value: 'settings', label: t('content.settings') },
            ]}
          />
        }
      />
      {tab === 'faq' ? <FaqEditor /> : tab === 'texts' ? <TextsEditor /> : <SettingsEditor />}
    </>
  );
}

interface FaqEntry {
  id: number;
  locale: string;
  question: string;
  answer: string;
  position: number;
  hidden: boolean;
}

function FaqEditor() {
  const t = useT();
  const { me } = useSession();
  const errorText = useErrorText();
  const [locale, setLocale] = useState(me.business.defaultLocale);
  const resource = useResource<{ enabled: boolean; entries: FaqEntry[] }>('/api/admin/content/faq');
  const [editing, setEditing] = useState<Partial<FaqEntry> | null>(null);
  const [busy, setBusy] = useState(false);
  const entries = (resource.data?.entries ?? []).filter((entry) => entry.locale === locale);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!editing) return;
    setBusy(true);
    const body = { locale, question: editing.question ?? '', answer: editing.answer ?? '', position: editing.position ?? entries.length, hidden: editing.hidden ?? false };
    try {
      if (editing.id) await api('PUT', `/api/admin/content/faq/${editing.id}`, body);
      else await api('POST', '/api/admin/content/faq', body);
      toast(t('common.saved'));
      setEditing(null);
      resource.reload();
    } catch (error) {
      toast(errorText(error as Error), 'danger');
    } finally {
      setBusy(false);
    }
  };
  const remove = async (entry: FaqEntry) => {
    if (!window.confirm(t('content.deleteConfirm', { question: entry.question }))) return;
    try {
      await api('DELETE', `/api/admin/content/faq/${entry.id}`);
      resource.reload();
    } catch (error) {
      toast(errorText(error as Error), 'danger');
    }
  };

  return (
    <>
      <div className="filters">
        <Segmented label={t('nav.language')} value={locale} onChange={setLocale} options={me.business.locales.map((code) => ({ value: code, label: code.toUpperCase() }))} />
        <Button variant="primary" onClick={() => setEditing({})}>
          <Icon name="plus" /> {t('content.addQuestion')}
        </Button>
      </div>
      <Card padded={false}>
        <Async
          resource={resource}
          rows={5}
          isEmpty={(data) => !data.enabled || entries.length === 0}
          empty={
            <div className="card-body">
              <Empty title={resource.data?.enabled === false ? t('content.faqDisabled') : t('content.noQuestions')} />
            </div>
          }
        >
          {() => (
            <ul className="list">
              {entries.map((entry) => (
                <li key={entry.id} className="list-item">
                  <div className="list-main">
                    <strong>
                      {entry.question} {entry.hidden ? <Badge>{t('content.hidden')}</Badge> : null}
                    </strong>
                    <span className="muted small clamp-2">{entry.answer}</span>
                  </div>
                  <div className="button-row">
                    <Button size="sm" onClick={() => setEditing(entry)}>
                      {t('common.edit')}
                    </Button>
                    <Button size="sm" variant="ghost" onClick={() => void remove(entry)}>
                      {t('common.delete')}
                    </Button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Async>
      </Card>
      {editing ? (
        <Dialog
          title={editing.id ? t('content.editQuestion') : t('content.addQuestion')}
          onClose={() => setEditing(null)}
          wide
          footer={
            <>
              <Button variant="ghost" onClick={() => setEditing(null)}>
                {t('common.cancel')}
              </Button>
              <Button variant="primary" type="submit" form="faq-form" busy={busy} disabled={(editing.question ?? '').trim().length < 3 || !(editing.answer ?? '').trim()}>
                {t('common.save')}
              </Button>
            </>
          }
        >
          <form id="faq-form" className="form" onSubmit={save}>
            <Field label={t('content.question')}>
              <input value={editing.question ?? ''} maxLength={200} onChange={(event) => setEditing({ ...editing, question: event.target.value })} />
            </Field>
            <Field label={t('content.answer')}>
              <textarea rows={6} maxLength={3500} value={editing.answer ?? ''} onChange={(event) => setEditing({ ...editing, answer: event.target.value })} />
            </Field>
            <label className="checkbox">
              <input type="checkbox" checked={editing.hidden ?? false} onChange={(event) => setEditing({ ...editing, hidden: event.target.checked })} />
              {t('content.hideQuestion')}
            </label>
          </form>
        </Dialog>
      ) : null}
    </>
  );
}

interface TextEntry {
  id: string;
  group: string;
  source: string;
  override: string | null;
}

function TextsEditor() {
  const t = useT();
  const { me } = useSession();
  const errorText = useErrorText();
  const [locale, setLocale] = useState(me.business.defaultLocale);
  const [filter, setFilter] = useState('');
  const [onlyChanged, setOnlyChanged] = useState(false);
  const resource = useResource<{ texts: TextEntry[] }>(`/api/admin/content/texts${query({ locale })}`);
  const [editing, setEditing] = useState<TextEntry | null>(null);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);

  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return (resource.data?.texts ?? []).filter(
      (entry) => (!onlyChanged || entry.override !== null) && (!needle || entry.id.includes(needle) || (entry.override ?? entry.source).toLowerCase().includes(needle)),
    );
  }, [resource.data, filter, onlyChanged]);

  const save = async () => {
    if (!editing) return;
    setBusy(true);
    try {
      await api('PUT', `/api/admin/content/texts/${locale}/${editing.id}`, { text: draft });
      toast(t('common.saved'));
      setEditing(null);
      resource.reload();
    } catch (error) {
      toast(errorText(error as Error), 'danger');
    } finally {
      setBusy(false);
    }
  };
  const reset = async (entry: TextEntry) => {
    try {
      await api('DELETE', `/api/admin/content/texts/${locale}/${entry.id}`);
      toast(t('content.textReset'));
      setEditing(null);
      resource.reload();
    } catch (error) {
      toast(errorText(error as Error), 'danger');
    }
  };

  return (
    <>
      <div className="filters">
        <Segmented label={t('nav.language')} value={locale} onChange={setLocale} options={me.business.locales.map((code) => ({ value: code, label: code.toUpperCase() }))} />
        <Field label={t('common.search')}>
          <div className="input-icon">
            <Icon name="search" />
            <input type="search" value={filter} onChange={(event) => setFilter(event.target.value)} placeholder={t('content.searchTexts')} />
          </div>
        </Field>
        <label className="checkbox">
          <input type="checkbox" checked={onlyChanged} onChange={(event) => setOnlyChanged(event.target.checked)} />
          {t('content.onlyChanged')}
        </label>
      </div>
      <Card padded={false}>
        <Async resource={resource} rows={8} isEmpty={() => shown.length === 0} empty={<div className="card-body"><Empty title={t('content.noTexts')} /></div>}>
          {() => (
            <ul className="list">
              {shown.slice(0, 200).map((entry) => (
                <li key={entry.id} className="list-item">
                  <button
                    className="list-link list-button"
                    onClick={() => {
                      setEditing(entry);
                      setDraft(entry.override ?? entry.source);
                    }}
                  >
                    <span className="list-main">
                      <code className="small">
                        {entry.group} · {entry.id}
                      </code>
                      <span className="clamp-2">{entry.override ?? entry.source}</span>
                    </span>
                    {entry.override !== null ? <Badge tone="accent">{t('content.changed')}</Badge> : null}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Async>
      </Card>
      {editing ? (
        <Dialog
          title={editing.id}
          wide
          onClose={() => setEditing(null)}
          footer={
            <>
              {editing.override !== null ? (
                <Button variant="ghost" onClick={() => void reset(editing)}>
                  {t('content.resetText')}
                </Button>
              ) : null}
              <Button variant="ghost" onClick={() => setEditing(null)}>
                {t('common.cancel')}
              </Button>
              <Button variant="primary" busy={busy} disabled={!draft.trim()} onClick={() => void save()}>
                {t('common.save')}
              </Button>
            </>
          }
        >
          <Field label={t('content.yourText')} hint={t('content.variablesHint')}>
            <textarea rows={6} value={draft} onChange={(event) => setDraft(event.target.value)} />
          </Field>
          <p className="muted small">{t('content.original')}</p>
          <pre className="source">{editing.source}</pre>
        </Dialog>
      ) : null}
    </>
  );
}
