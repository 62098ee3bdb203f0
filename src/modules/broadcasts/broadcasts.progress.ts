import type { Locale } from '../../config/business.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import {
  countBroadcastOutbox,
  findSentMessage,
  type OutboxCount,
} from '../../delivery/outbox.repository.ts';
import type { AudienceMember, BroadcastsRepository } from './broadcasts.repository.ts';
import type { BroadcastRow } from './broadcasts.tables.ts';
import type { BroadcastProgress, BroadcastsServiceDeps } from './broadcasts.shared.ts';

/**
 * A broadcast's progress: the outbox counts, the figures and ETA drawn from them, the progress
 * screen edited into the admins' message, and the totals recorded on the broadcast.
 */
export function createBroadcastsProgress(
  deps: BroadcastsServiceDeps,
  repository: BroadcastsRepository,
  progressIntervalMs: number,
  localeOf: (member: Pick<AudienceMember, 'locale' | 'language_code'>) => Locale,
) {
  const counts = async (id: number): Promise<OutboxCount[]> => countBroadcastOutbox(deps.db, id);

  const progressOf = (row: BroadcastRow, rows: readonly OutboxCount[]): BroadcastProgress => {
    const sum = (match: (item: OutboxCount) => boolean) => rows.filter(match).reduce((total, item) => total + item.count, 0);
    const hasRows = rows.length > 0;
    const sent = hasRows ? sum((item) => item.status === 'sent') : row.delivered;
    const blocked = hasRows ? sum((item) => item.code === 'blocked') : row.blocked;
    const unconfirmed = sum((item) => item.code === 'outcome_unknown');
    const cancelled = sum((item) => item.code === 'cancelled');
    const failed = hasRows ? sum((item) => item.status === 'failed' && item.code !== 'blocked' && item.code !== 'outcome_unknown') : row.failed;
    const remaining = sum((item) => item.status === 'pending' || item.status === 'held' || item.status === 'sending');
    const total = row.audience_size ?? 0;
    let etaSeconds: number | null = null;
    if (row.status === 'sending' && remaining > 0) {
      const processed = sent + blocked + failed + unconfirmed;
      const elapsedMs = deps.now() - (row.started_at ?? deps.now());
      const configured = row.paid ? deps.paidRatePerSecond : deps.sendRatePerSecond;
      const perSecond = processed > 20 && elapsedMs > 2000 ? processed / (elapsedMs / 1000) : configured;
      etaSeconds = Math.ceil(remaining / Math.max(0.1, perSecond));
    }
    return { id: row.id, status: row.status, total, sent, blocked, failed, unconfirmed, cancelled, remaining, etaSeconds };
  };

  const progressScreen = (row: BroadcastRow, progress: BroadcastProgress, locale: Locale) => {
    const lines = [
      deps.i18n.t(locale, `broadcasts-status-${row.status}`, { id: row.id }),
      deps.i18n.t(locale, 'broadcasts-progress', {
        sent: progress.sent,
        blocked: progress.blocked,
        failed: progress.failed + progress.unconfirmed,
        remaining: progress.remaining,
        total: progress.total,
      }),
    ];
    if (progress.etaSeconds !== null) lines.push(deps.i18n.t(locale, 'broadcasts-eta', { eta: formatDuration(progress.etaSeconds) }));
    const keyboard: { text: string; callback_data: string }[][] = [];
    if (row.status === 'sending') {
      keyboard.push([
        { text: deps.i18n.t(locale, 'broadcasts-button-pause'), callback_data: `bc:c:pause:${row.id}` },
        { text: deps.i18n.t(locale, 'broadcasts-button-cancel'), callback_data: `bc:c:cancel:${row.id}` },
      ]);
    } else if (row.status === 'paused') {
      keyboard.push([
        { text: deps.i18n.t(locale, 'broadcasts-button-resume'), callback_data: `bc:c:resume:${row.id}` },
        { text: deps.i18n.t(locale, 'broadcasts-button-cancel'), callback_data: `bc:c:cancel:${row.id}` },
      ]);
    }
    return { text: lines.join('\n'), reply_markup: { inline_keyboard: keyboard } };
  };

  const progressLocale = async (row: BroadcastRow): Promise<Locale> => {
    if (row.progress_chat_id === null || row.progress_chat_id < 0) return deps.config.business.defaultLocale;
    return localeOf((await deps.users.get(row.progress_chat_id)) ?? { locale: null, language_code: null });
  };

  /** Edits the progress message (through the outbox) if its interval has passed or `force`. */
  const refreshProgress = async (row: BroadcastRow, force: boolean): Promise<void> => {
    if (row.progress_chat_id === null) return;
    const nowMs = deps.now();
    if (!(await repository.claimProgressTick(row.id, nowMs, force ? 0 : progressIntervalMs))) return;
    const message = await findSentMessage(deps.db, `bc:${row.id}:progress`);
    if (!message) return;
    const screen = progressScreen(row, progressOf(row, await counts(row.id)), await progressLocale(row));
    await enqueueOutbox(
      deps.db,
      {
        chatId: message.chatId,
        method: 'editMessageText',
        payload: { message_id: message.messageId, ...screen },
        priority: 'high',
        dedupeKey: `bc:${row.id}:progress:${nowMs}`,
      },
      nowMs,
    );
  };

  const recordTotals = async (row: BroadcastRow) => {
    const progress = progressOf(row, await counts(row.id));
    await repository.transition(row.id, [row.status], {
      delivered: progress.sent,
      blocked: progress.blocked,
      failed: progress.failed + progress.unconfirmed,
    });
  };

  return { counts, progressOf, progressScreen, progressLocale, refreshProgress, recordTotals };
}

/** `1:05:09` style durations, the same in every language. */
export function formatDuration(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const pad = (value: number) => String(value).padStart(2, '0');
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}

export function emptyProgress(row: BroadcastRow): BroadcastProgress {
  return { id: row.id, status: row.status, total: row.audience_size ?? 0, sent: 0, blocked: 0, failed: 0, unconfirmed: 0, cancelled: 0, remaining: 0, etaSeconds: null };
}
