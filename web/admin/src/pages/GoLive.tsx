// Go live: from the sandbox to a real Telegram bot. The owner pastes the token from
// @BotFather; the server checks it with Telegram, carries the business over and restarts as
// that bot, or says what to set by hand where it may not write its own environment.

import { useEffect, useState, type FormEvent } from 'react';
import { api, type ApiError } from '../api.ts';
import { Icon } from '../components/icons.tsx';
import { Button, Card, Field, PageHeader, useErrorText } from '../components/ui.tsx';
import { useT } from '../i18n.ts';

interface Bot {
  id: number;
  username: string;
  firstName: string;
}

type Outcome = { mode: 'restarting'; bot: Bot } | { mode: 'manual'; bot: Bot; reason: string; lines: string[]; restart: string };

type Stage = { kind: 'form' } | { kind: 'restarting'; bot: Bot; slow: boolean } | { kind: 'live'; bot: Bot } | { kind: 'manual'; outcome: Extract<Outcome, { mode: 'manual' }> };

/** Waits until the restarted Lavka answers as a live bot (or gives up after a while). */
async function waitForLiveBot(onSlow: () => void): Promise<boolean> {
  const startedAt = Date.now();
  let slowSaid = false;
  while (Date.now() - startedAt < 120_000) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (!slowSaid && Date.now() - startedAt > 20_000) {
      slowSaid = true;
      onSlow();
    }
    try {
      const system = await api<{ mode: string }>('GET', '/api/admin/system');
      if (system.mode !== 'sandbox') return true;
    } catch {
      // Restarting: the server does not answer for a moment.
    }
  }
  return false;
}

/** The go-live page. */
export function GoLivePage() {
  const t = useT();
  const errorText = useErrorText();
  const [token, setToken] = useState('');
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [stage, setStage] = useState<Stage>({ kind: 'form' });
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (stage.kind !== 'restarting') return;
    let active = true;
    void waitForLiveBot(() => active && setStage({ ...stage, slow: true })).then((live) => {
      if (active && live) setStage({ kind: 'live', bot: stage.bot });
    });
    return () => {
      active = false;
    };
    // Started once per restart (keyed on the stage's kind): the bot does not change while waiting.
  }, [stage.kind]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const outcome = await api<Outcome>('POST', '/api/admin/go-live', { token: token.trim() });
      setToken('');
      setStage(outcome.mode === 'restarting' ? { kind: 'restarting', bot: outcome.bot, slow: false } : { kind: 'manual', outcome });
    } catch (caught) {
      const failure = caught as ApiError;
      if (failure.code === 'admin.telegram_unreachable') setError(t('goLive.unreachable'));
      else if (failure.code === 'admin.token_refused') setError(`${t('goLive.refused')} ${failure.message}`);
      else setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  const names = (bot: Bot) => ({ name: bot.firstName, username: bot.username });

  return (
    <>
      <PageHeader title={t('goLive.title')} subtitle={t('goLive.subtitle')} />
      <div className="stack go-live">
        {stage.kind === 'form' ? (
          <Card>
            <ol className="steps">
              <li>{t('goLive.step1')}</li>
              <li>{t('goLive.step2')}</li>
              <li>{t('goLive.step3')}</li>
            </ol>
            <ul className="facts-list">
              <li>
                <Icon name="check" /> {t('goLive.kept')}
              </li>
              <li>
                <Icon name="alert" /> {t('goLive.notKept')}
              </li>
            </ul>
            <p className="muted small">{t('goLive.staffHint')}</p>
            <form onSubmit={(event) => void submit(event)} className="stack">
              <Field label={t('goLive.token')} hint={t('goLive.tokenHint')} error={error}>
                <div className="input-with-button">
                  <input
                    name="token"
                    type={shown ? 'text' : 'password'}
                    autoComplete="off"
                    spellCheck={false}
                    value={token}
                    onChange={(event) => setToken(event.target.value)}
                    placeholder="123456789:AAH…"
                    required
                  />
                  <button type="button" className="icon-button" onClick={() => setShown((value) => !value)} aria-label={t(shown ? 'goLive.hideToken' : 'goLive.showToken')}>
                    <Icon name={shown ? 'eyeOff' : 'eye'} />
                  </button>
                </div>
              </Field>
              <div>
                <Button type="submit" variant="primary" busy={busy} disabled={token.trim().length === 0}>
                  {t('goLive.submit')}
                </Button>
              </div>
            </form>
          </Card>
        ) : null}
        {stage.kind === 'restarting' ? (
          <div className="status-banner ok" role="status">
            <Icon name="pulse" />
            <span>
              {t('goLive.restarting', names(stage.bot))}
              {stage.slow ? <span className="muted small"> {t('goLive.slow')}</span> : null}
            </span>
          </div>
        ) : null}
        {stage.kind === 'live' ? (
          <div className="status-banner ok" role="status">
            <Icon name="check" />
            <strong>{t('goLive.live', names(stage.bot))}</strong>{' '}
            <a href={`https://t.me/${stage.bot.username}`} target="_blank" rel="noreferrer">
              {t('goLive.open')}
            </a>
          </div>
        ) : null}
        {stage.kind === 'manual' ? (
          <Card title={t('goLive.manualTitle', names(stage.outcome.bot))}>
            <p>{stage.outcome.reason}</p>
            <p>{t('goLive.manualLines')}</p>
            <pre className="code-block">{stage.outcome.lines.join('\n')}</pre>
            <Button
              size="sm"
              onClick={() => {
                void navigator.clipboard?.writeText(stage.outcome.lines.join('\n')).then(() => setCopied(true));
              }}
            >
              {copied ? t('goLive.copied') : t('goLive.copy')}
            </Button>
            <p>{t('goLive.manualRestart')}</p>
            <pre className="code-block">{stage.outcome.restart}</pre>
          </Card>
        ) : null}
      </div>
    </>
  );
}
