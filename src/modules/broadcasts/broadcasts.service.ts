import type { Logger } from 'pino';
import { z } from 'zod';
import { SUPPORTED_LOCALES, type BusinessConfig, type Locale } from '../../config/business.ts';
import type { Db } from '../../db/database.ts';
import { enqueueOutbox, type OutboxMethod } from '../../delivery/outbox.ts';
import {
  broadcastHasWaiting,
  cancelBroadcastOutbox,
  countBroadcastOutbox,
  findSentMessage,
  holdBroadcastOutbox,
  resumeBroadcastOutbox,
  type OutboxCount,
} from '../../delivery/outbox.repository.ts';
import { cancelJob, scheduleJob } from '../../delivery/scheduler.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { AudienceSegment } from '../module.ts';
import type { UsersService } from '../users/users.service.ts';
import { createBroadcastsRepository, type AudienceMember } from './broadcasts.repository.ts';
import type { BroadcastButton, BroadcastRow, BroadcastStatus } from './broadcasts.tables.ts';
import { LavkaError, type ErrorKind } from '../../platform/errors.ts';

/** The scheduled job that starts a scheduled broadcast. */
export const START_BROADCAST_JOB = 'broadcasts.start';

/** Callback data prefixes of the buttons broadcasts put under messages. */
export const TRACKED_BUTTON_PREFIX = 'bc:t:';
export const UNSUBSCRIBE_PREFIX = 'bc:u:';

/** Who receives a broadcast. Blocked and unsubscribed users are always left out. */
export const audienceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('everyone') }),
  z.object({ kind: z.literal('language'), locales: z.array(z.enum(SUPPORTED_LOCALES)).min(1) }),
  z.object({ kind: z.literal('tag'), tags: z.array(z.string().trim().toLowerCase().min(1).max(64)).min(1).max(20) }),
  z.object({ kind: z.literal('ids'), ids: z.array(z.number().int().positive()).min(1).max(200_000) }),
  z.object({
    kind: z.literal('segment'),
    /** A segment another module offers, e.g. `orders.ordered_within_days`. */
    name: z.string().regex(/^[a-z0-9_]+\.[a-z0-9_]+$/),
    parameter: z.union([z.string().max(100), z.number()]).optional(),
    /** Everyone *not* in the segment ("did not order in 30 days"). */
    negate: z.boolean().default(false),
  }),
]);

/** An audience specification. */
export type Audience = z.infer<typeof audienceSchema>;

const buttonSchema = z.union([
  z.object({ text: z.string().trim().min(1).max(64), url: z.string().regex(/^(https?|tg):\/\/\S+$/, 'expected an http(s) or tg:// link').max(1024) }),
  z.object({ text: z.string().trim().min(1).max(64), tracked: z.literal(true), answer: z.string().trim().min(1).max(200).optional() }),
]);

/** A broadcast as an admin composes it (bot or HTTP API). */
export const broadcastInputSchema = z
  .object({
    text: z.string().max(4096).refine((value) => value.trim().length > 0, 'the text is empty'),
    /** Telegram message entities (formatting copied from the admin's message). */
    entities: z.array(z.object({ type: z.string(), offset: z.number().int().min(0), length: z.number().int().min(1) }).loose()).max(100).optional(),
    parseMode: z.literal('HTML').optional(),
    photo: z.string().min(1).max(2048).optional(),
    buttons: z.array(z.array(buttonSchema).min(1).max(4)).max(10).default([]),
    unsubscribeButton: z.boolean().default(false),
    paid: z.boolean().default(false),
    audience: audienceSchema.default({ kind: 'everyone' }),
  })
  .superRefine((input, issue) => {
    if (input.photo && input.text.length > 1024) issue.addIssue({ code: 'custom', path: ['text'], message: 'a photo caption holds at most 1024 characters' });
    if (input.entities && input.parseMode) issue.addIssue({ code: 'custom', path: ['parseMode'], message: 'use either entities or parseMode' });
  });

/** Broadcast input after validation. */
export type BroadcastInput = z.infer<typeof broadcastInputSchema>;

/** A broadcast-module failure with a dotted code the HTTP API and the bot map to answers. */
export class BroadcastError extends LavkaError<BroadcastErrorCode> {
  override readonly name = 'BroadcastError';
  get kind(): ErrorKind {
    return BROADCAST_KINDS[this.code];
  }
}

/** Every reason a broadcast action is refused. */
export type BroadcastErrorCode = 'broadcasts.not_found' | 'broadcasts.invalid' | 'broadcasts.unknown_segment' | 'broadcasts.past_time' | 'broadcasts.far_time' | 'broadcasts.wrong_status';

const BROADCAST_KINDS: Readonly<Record<BroadcastErrorCode, ErrorKind>> = {
  'broadcasts.not_found': 'not_found',
  'broadcasts.invalid': 'invalid',
  'broadcasts.unknown_segment': 'invalid',
  'broadcasts.past_time': 'invalid',
  'broadcasts.far_time': 'invalid',
  'broadcasts.wrong_status': 'conflict',
};

/** Where a broadcast is and how long it still needs. */
export interface BroadcastProgress {
  id: number;
  status: BroadcastStatus;
  total: number;
  sent: number;
  blocked: number;
  failed: number;
  /** Sent when a crash cut the call: Telegram may or may not have delivered it. */
  unconfirmed: number;
  cancelled: number;
  remaining: number;
  /** Seconds until the rest is sent at the pace so far; null when not sending. */
  etaSeconds: number | null;
}

/** Per-broadcast analytics. */
export interface BroadcastAnalytics extends BroadcastProgress {
  buttons: { index: number; text: string; presses: number }[];
  unsubscribes: number;
}

/** A segment the composer can offer. */
export interface SegmentOption {
  name: string;
  label: string;
  parameter: AudienceSegment['parameter'];
}

/** What the broadcasts service needs. */
export interface BroadcastsServiceDeps {
  db: Db;
  users: UsersService;
  i18n: Translator;
  config: BusinessConfig;
  logger: Logger;
  now(): number;
  /** PAID_BROADCAST=on: the owner agreed to pay Stars for faster broadcasts. */
  paidBroadcastAllowed: boolean;
  /** The configured send rates, for the first ETA before any message went out. */
  sendRatePerSecond: number;
  paidRatePerSecond: number;
  /** Chat shown progress of broadcasts started through the HTTP API (the admins' chat). */
  defaultProgressChatId?: number;
  /** How often the progress message may be edited (default 5 s). */
  progressIntervalMs?: number;
}

/**
 * Broadcasts: compose, choose an audience, preview, send now or at a time, pause, resume,
 * cancel; progress edited into one admin message; analytics per broadcast. Recipients are
 * outbox rows (priority `bulk`), so broadcasts obey the rate limits and survive crashes.
 */
export function createBroadcastsService(deps: BroadcastsServiceDeps) {
  const repository = createBroadcastsRepository(deps.db);
  const progressIntervalMs = deps.progressIntervalMs ?? 5000;
  let moduleSegments: readonly AudienceSegment[] = [];

  const load = async (id: number): Promise<BroadcastRow> => {
    const row = await repository.findById(id);
    if (!row) throw new BroadcastError('broadcasts.not_found', `broadcast ${id} does not exist`);
    return row;
  };
  const buttonsOf = (row: BroadcastRow): BroadcastButton[][] => JSON.parse(row.buttons) as BroadcastButton[][];
  const audienceOf = (row: BroadcastRow): Audience => audienceSchema.parse(JSON.parse(row.audience));
  const localeOf = (member: Pick<AudienceMember, 'locale' | 'language_code'>): Locale => deps.users.localeOf(member, deps.config.business.defaultLocale);

  const wrongStatus = (row: BroadcastRow, action: string) =>
    new BroadcastError('broadcasts.wrong_status', `broadcast ${row.id} is ${row.status}; it cannot be ${action}`);

  const toRow = (input: BroadcastInput) => ({
    text: input.text,
    entities: input.entities ? JSON.stringify(input.entities) : null,
    parse_mode: input.parseMode ?? null,
    photo: input.photo ?? null,
    buttons: JSON.stringify(input.buttons),
    unsubscribe_button: input.unsubscribeButton ? 1 : 0,
    paid: input.paid && deps.paidBroadcastAllowed ? 1 : 0,
    audience: JSON.stringify(input.audience),
  });

  const parseInput = (input: unknown): BroadcastInput => {
    const parsed = broadcastInputSchema.safeParse(input);
    if (!parsed.success) {
      throw new BroadcastError('broadcasts.invalid', parsed.error.issues.map((problem) => `${problem.path.join('.') || 'broadcast'}: ${problem.message}`).join('; '));
    }
    if (parsed.data.audience.kind === 'segment' && !segmentNamed(parsed.data.audience.name)) {
      throw new BroadcastError('broadcasts.unknown_segment', `no module offers the segment ${parsed.data.audience.name}`);
    }
    return parsed.data;
  };

  const segmentNamed = (name: string) => moduleSegments.find((segment) => segment.name === name);

  /** The message one recipient gets, in their language (only the unsubscribe label differs). */
  const render = (row: BroadcastRow, locale: Locale): { method: OutboxMethod; payload: Record<string, unknown> } => {
    let index = 0;
    const keyboard: Record<string, string>[][] = buttonsOf(row).map((buttonRow) =>
      buttonRow.map((button) => {
        const current = index++;
        const key: Record<string, string> =
          'url' in button ? { text: button.text, url: button.url } : { text: button.text, callback_data: `${TRACKED_BUTTON_PREFIX}${row.id}:${current}` };
        return key;
      }),
    );
    if (row.unsubscribe_button) keyboard.push([{ text: deps.i18n.t(locale, 'broadcasts-unsubscribe-button'), callback_data: `${UNSUBSCRIBE_PREFIX}${row.id}` }]);
    const entities = row.entities ? (JSON.parse(row.entities) as unknown[]) : undefined;
    const formatting = row.photo
      ? { caption: row.text, ...(entities ? { caption_entities: entities } : {}) }
      : { text: row.text, ...(entities ? { entities } : {}) };
    const payload: Record<string, unknown> = {
      ...(row.photo ? { photo: row.photo } : {}),
      ...formatting,
      ...(row.parse_mode ? { parse_mode: row.parse_mode } : {}),
      ...(keyboard.length > 0 ? { reply_markup: { inline_keyboard: keyboard } } : {}),
      ...(row.paid && deps.paidBroadcastAllowed ? { allow_paid_broadcast: true } : {}),
    };
    return { method: row.photo ? 'sendPhoto' : 'sendMessage', payload };
  };

  /** Who the users module can reach, before opt-outs and language or segment filters. */
  const reachableFor = (audience: Audience): Promise<AudienceMember[]> => {
    switch (audience.kind) {
      case 'tag':
        return deps.users.reachable({ tags: audience.tags });
      case 'ids':
        return deps.users.reachable({ ids: audience.ids });
      default:
        return deps.users.reachable();
    }
  };

  const resolveAudience = async (audience: Audience): Promise<AudienceMember[]> => {
    const unsubscribed = await repository.unsubscribedIds();
    const members = (await reachableFor(audience)).filter((member) => !unsubscribed.has(member.id));
    switch (audience.kind) {
      case 'language':
        return members.filter((member) => audience.locales.includes(localeOf(member)));
      case 'segment': {
        const segment = segmentNamed(audience.name);
        if (!segment) throw new BroadcastError('broadcasts.unknown_segment', `no module offers the segment ${audience.name}`);
        const inSegment = new Set(await segment.userIds(audience.parameter));
        return members.filter((member) => inSegment.has(member.id) !== audience.negate);
      }
      default:
        return members;
    }
  };

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

  const service = {
    /** Segments from other modules (orders: "ordered within N days", wallet: balance…). */
    useSegments(segments: readonly AudienceSegment[]): void {
      moduleSegments = segments;
    },

    /** What the composer offers: the module segments (everyone/language/tag/ids are built in). */
    segments(): SegmentOption[] {
      return moduleSegments.map(({ name, label, parameter }) => ({ name, label, parameter }));
    },

    async createDraft(input: unknown, options: { createdBy?: number } = {}): Promise<BroadcastRow> {
      const data = parseInput(input);
      const nowMs = deps.now();
      return repository.insert({
        ...toRow(data),
        status: 'draft',
        audience_size: null,
        scheduled_at: null,
        started_at: null,
        finished_at: null,
        created_by: options.createdBy ?? null,
        progress_chat_id: null,
        progress_updated_at: null,
        delivered: 0,
        blocked: 0,
        failed: 0,
        created_at: nowMs,
        updated_at: nowMs,
      });
    },

    /** Changes a draft; fields not given keep their value. */
    async updateDraft(id: number, patch: unknown): Promise<BroadcastRow> {
      const row = await load(id);
      if (row.status !== 'draft') throw wrongStatus(row, 'edited');
      const current = {
        text: row.text,
        entities: row.entities ? (JSON.parse(row.entities) as unknown) : undefined,
        parseMode: row.parse_mode ?? undefined,
        photo: row.photo ?? undefined,
        buttons: buttonsOf(row),
        unsubscribeButton: row.unsubscribe_button === 1,
        paid: row.paid === 1,
        audience: JSON.parse(row.audience) as unknown,
      };
      const data = parseInput({ ...current, ...(typeof patch === 'object' && patch !== null ? patch : {}) });
      const updated = await repository.transition(id, ['draft'], { ...toRow(data), updated_at: deps.now() });
      if (!updated) throw wrongStatus(await load(id), 'edited');
      return updated;
    },

    get: (id: number) => repository.findById(id),
    list: (limit = 50) => repository.list(limit),

    /** How many users the audience reaches now (blocked and unsubscribed users left out). */
    async countAudience(audience: unknown): Promise<number> {
      const parsed = audienceSchema.safeParse(audience);
      if (!parsed.success) throw new BroadcastError('broadcasts.invalid', `audience: ${parsed.error.issues.map((problem) => problem.message).join('; ')}`);
      return (await resolveAudience(parsed.data)).length;
    },

    /** The message as a recipient speaking `locale` would get it. */
    async render(id: number, locale: Locale) {
      return render(await load(id), locale);
    },

    /** Sends the message to one chat (an admin) through the outbox, right away. */
    async preview(id: number, chatId: number): Promise<void> {
      const row = await load(id);
      const user = chatId > 0 ? await deps.users.get(chatId) : undefined;
      const message = render(row, user ? localeOf(user) : deps.config.business.defaultLocale);
      const { allow_paid_broadcast: _paid, ...payload } = message.payload;
      await enqueueOutbox(deps.db, { chatId, method: message.method, payload, priority: 'high' }, deps.now());
    },

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
      await service.start(broadcastId);
    },

    async pause(id: number): Promise<BroadcastRow> {
      const nowMs = deps.now();
      const row = await deps.db.transaction().execute(async (trx) => {
        const updated = await createBroadcastsRepository(trx).transition(id, ['sending'], { status: 'paused', updated_at: nowMs });
        if (updated) await holdBroadcastOutbox(trx, id, nowMs);
        return updated;
      });
      if (!row) throw wrongStatus(await load(id), 'paused');
      await refreshProgress(row, true);
      return row;
    },

    async resume(id: number): Promise<BroadcastRow> {
      const nowMs = deps.now();
      const row = await deps.db.transaction().execute(async (trx) => {
        const updated = await createBroadcastsRepository(trx).transition(id, ['paused'], { status: 'sending', updated_at: nowMs });
        if (updated) await resumeBroadcastOutbox(trx, id, nowMs);
        return updated;
      });
      if (!row) throw wrongStatus(await load(id), 'resumed');
      await refreshProgress(row, true);
      return row;
    },

    /** Cancels a draft, a scheduled broadcast or the unsent rest of a running one. */
    async cancel(id: number): Promise<BroadcastRow> {
      const nowMs = deps.now();
      const row = await deps.db.transaction().execute(async (trx) => {
        const updated = await createBroadcastsRepository(trx).transition(id, ['draft', 'scheduled', 'sending', 'paused'], {
          status: 'cancelled',
          finished_at: nowMs,
          updated_at: nowMs,
        });
        if (updated) {
          await cancelBroadcastOutbox(trx, id, nowMs);
          await cancelJob(trx, `broadcast:${id}:start`, nowMs);
        }
        return updated;
      });
      if (!row) throw wrongStatus(await load(id), 'cancelled');
      await recordTotals(row);
      await refreshProgress(row, true);
      return row;
    },

    async progress(id: number): Promise<BroadcastProgress> {
      const row = await load(id);
      return progressOf(row, await counts(id));
    },

    async analytics(id: number): Promise<BroadcastAnalytics> {
      const row = await load(id);
      const presses = await repository.clicksByButton(id);
      let index = 0;
      const buttons = buttonsOf(row)
        .flat()
        .map((button) => ({ index: index++, text: button.text, tracked: 'tracked' in button }))
        .filter((button) => button.tracked)
        .map((button) => ({ index: button.index, text: button.text, presses: presses.get(button.index) ?? 0 }));
      return { ...progressOf(row, await counts(id)), buttons, unsubscribes: await repository.unsubscribesFrom(id) };
    },

    /** Counts a tracked button press once per user; returns what to answer, or undefined for a forged press. */
    async pressTracked(broadcastId: number, buttonIndex: number, userId: number): Promise<{ answer?: string } | undefined> {
      const row = await repository.findById(broadcastId);
      const button = row ? buttonsOf(row).flat()[buttonIndex] : undefined;
      if (!row || !button || !('tracked' in button)) return undefined;
      // Presses on the admin's preview of a draft are not the audience's.
      if (row.status !== 'draft') await repository.recordClick(broadcastId, buttonIndex, userId, deps.now());
      return { answer: button.answer };
    },

    /** The user gets no further broadcasts. */
    async unsubscribe(userId: number, broadcastId: number | null): Promise<void> {
      await repository.unsubscribe(userId, broadcastId, deps.now());
    },

    resubscribe: repository.resubscribe,

    /**
     * Runs every few seconds on each instance: finishes broadcasts with nothing left to send
     * and edits progress messages (one instance wins each edit).
     */
    async tick(): Promise<void> {
      for (const row of await repository.listActive()) {
        // The cheap check every tick; the full count only when the progress message is due.
        if (row.status === 'sending' && !(await broadcastHasWaiting(deps.db, row.id))) {
          const nowMs = deps.now();
          const done = await repository.transition(row.id, ['sending'], { status: 'done', finished_at: nowMs, updated_at: nowMs });
          if (done) {
            await recordTotals(done);
            await refreshProgress(done, true);
            deps.logger.info({ broadcastId: row.id, delivered: done.delivered }, 'broadcast finished');
          }
          continue;
        }
        // A paused broadcast's numbers do not move: its message was updated when it paused.
        if (row.status === 'sending') await refreshProgress(row, false);
      }
    },

    /** The business time zone now, in which owners type send times (the owner may change it). */
    get timeZone(): string {
      return deps.config.business.timeZone;
    },
  };

  const recordTotals = async (row: BroadcastRow) => {
    const progress = progressOf(row, await counts(row.id));
    await repository.transition(row.id, [row.status], {
      delivered: progress.sent,
      blocked: progress.blocked,
      failed: progress.failed + progress.unconfirmed,
    });
  };

  return service;
}

function emptyProgress(row: BroadcastRow): BroadcastProgress {
  return { id: row.id, status: row.status, total: row.audience_size ?? 0, sent: 0, blocked: 0, failed: 0, unconfirmed: 0, cancelled: 0, remaining: 0, etaSeconds: null };
}

/** `1:05:09` style durations, the same in every language. */
export function formatDuration(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const pad = (value: number) => String(value).padStart(2, '0');
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}

/** The broadcasts service's shape. */
export type BroadcastsService = ReturnType<typeof createBroadcastsService>;
