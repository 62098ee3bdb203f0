import { z } from 'zod';
import { type Locale } from '../../config/business.ts';
import { enqueueOutbox } from '../../delivery/outbox.ts';
import { cancelJob, scheduleJob } from '../../delivery/scheduler.ts';
import { createBroadcastsRepository } from './broadcasts.repository.ts';
import type { BroadcastRow } from './broadcasts.tables.ts';
import { emptyProgress, START_BROADCAST_JOB, BroadcastError, type BroadcastsCore } from './broadcasts.core.ts';
import { createBroadcastsRunning, finishedEvent } from './broadcasts.running.ts';

/**
 * Sending: now or at a time; pausing, resuming, cancelling and the periodic tick that follows
 * progress come from {@link createBroadcastsRunning}.
 */
export function createBroadcastsSending(core: BroadcastsCore) {
  const { deps, repository, load, audienceOf, localeOf, wrongStatus, render, resolveAudience, progressScreen, progressLocale } = core;
  const sending = {
    /**
     * Starts sending: resolves the audience now, then in one transaction marks the broadcast
     * `sending` and writes one outbox row per recipient (plus the progress message). Safe to
     * call twice: only the first call finds it in draft/scheduled.
     */
    async start(id: number, options: { progressChatId?: number } = {}): Promise<BroadcastRow> {
      const row = await load(id);
      if (row.status !== 'draft' && row.status !== 'scheduled') throw wrongStatus(row, 'started');
      // Resolved before the transaction: module segments query through their own connection.
      const recipients = await resolveAudience(audienceOf(row));
      const nowMs = deps.now();
      const progressChatId = options.progressChatId ?? row.progress_chat_id ?? deps.defaultProgressChatId ?? null;
      const adminLocale = await progressLocale({ ...row, progress_chat_id: progressChatId });
      const started = await deps.db.transaction().execute(async (trx) => {
        const transitioned = await createBroadcastsRepository(trx).transition(id, ['draft', 'scheduled'], {
          status: recipients.length > 0 ? 'sending' : 'done',
          started_at: nowMs,
          finished_at: recipients.length > 0 ? null : nowMs,
          audience_size: recipients.length,
          progress_chat_id: progressChatId,
          updated_at: nowMs,
        });
        if (!transitioned) return undefined;
        // Nobody to send to: it is finished as it starts.
        if (recipients.length === 0) await deps.events?.publish(trx, finishedEvent(transitioned, { sent: 0, blocked: 0, failed: 0 }, nowMs));
        const byLocale = new Map<Locale, ReturnType<typeof render>>();
        // In slices, so that a 100 000-recipient audience never holds every row in memory at once.
        for (let index = 0; index < recipients.length; index += 1000) {
          await enqueueOutbox(
            trx,
            recipients.slice(index, index + 1000).map((member) => {
              const locale = localeOf(member);
              let message = byLocale.get(locale);
              if (!message) {
                message = render(transitioned, locale);
                byLocale.set(locale, message);
              }
              return {
                chatId: member.id,
                method: message.method,
                payload: message.payload,
                priority: 'bulk' as const,
                broadcastId: id,
                dedupeKey: `bc:${id}:${member.id}`,
              };
            }),
            nowMs,
          );
        }
        if (progressChatId !== null) {
          const screen = progressScreen(transitioned, { ...emptyProgress(transitioned), remaining: recipients.length }, adminLocale);
          await enqueueOutbox(trx, { chatId: progressChatId, method: 'sendMessage', payload: screen, priority: 'high', dedupeKey: `bc:${id}:progress` }, nowMs);
        }
        await cancelJob(trx, `broadcast:${id}:start`, nowMs);
        return transitioned;
      });
      if (!started) throw wrongStatus(await load(id), 'started');
      deps.logger.info({ broadcastId: id, recipients: recipients.length }, 'broadcast started');
      return started;
    },

    /** Schedules a draft to start at `atMs` (a durable job; survives restarts). */
    async schedule(id: number, atMs: number, options: { progressChatId?: number } = {}): Promise<BroadcastRow> {
      const nowMs = deps.now();
      if (!Number.isFinite(atMs) || atMs <= nowMs) throw new BroadcastError('broadcasts.past_time', 'the send time must be in the future');
      if (atMs > nowMs + 366 * 86_400_000) throw new BroadcastError('broadcasts.far_time', 'the send time must be within a year');
      const row = await load(id);
      const scheduled = await deps.db.transaction().execute(async (trx) => {
        const updated = await createBroadcastsRepository(trx).transition(id, ['draft', 'scheduled'], {
          status: 'scheduled',
          scheduled_at: atMs,
          progress_chat_id: options.progressChatId ?? row.progress_chat_id ?? deps.defaultProgressChatId ?? null,
          updated_at: nowMs,
        });
        if (updated) {
          await scheduleJob(trx, { kind: START_BROADCAST_JOB, payload: { broadcastId: id }, runAt: atMs, dedupeKey: `broadcast:${id}:start` }, nowMs);
        }
        return updated;
      });
      if (!scheduled) throw wrongStatus(row, 'scheduled');
      return scheduled;
    },

    /** Handler of {@link START_BROADCAST_JOB}: starts a scheduled broadcast (once). */
    async startScheduled(payload: unknown): Promise<void> {
      const { broadcastId } = z.object({ broadcastId: z.number().int() }).parse(payload);
      const row = await repository.findById(broadcastId);
      // Cancelled or already started (a re-run after a crash): nothing to do.
      if (!row || row.status !== 'scheduled') return;
      await sending.start(broadcastId);
    },

    ...createBroadcastsRunning(core),
  };
  return sending;
}
