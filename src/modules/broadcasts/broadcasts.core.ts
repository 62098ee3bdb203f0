import type { Logger } from 'pino';
import { z } from 'zod';
import { SUPPORTED_LOCALES, type BusinessConfig, type Locale } from '../../config/business.ts';
import type { Db } from '../../db/database.ts';
import { enqueueOutbox, type OutboxMethod } from '../../delivery/outbox.ts';
import {
  countBroadcastOutbox,
  findSentMessage,
  type OutboxCount,
} from '../../delivery/outbox.repository.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { AudienceSegment } from '../module.ts';
import type { UsersService } from '../users/users.service.ts';
import { createBroadcastsRepository, type AudienceMember } from './broadcasts.repository.ts';
import type { BroadcastButton, BroadcastRow, BroadcastStatus } from './broadcasts.tables.ts';
import { type ErrorKind, refusalClass } from '../../platform/errors.ts';
import type { Events } from '../../platform/events.ts';

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

export const buttonSchema = z.union([
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

export const BROADCAST_KINDS: Readonly<Record<BroadcastErrorCode, ErrorKind>> = {
  'broadcasts.not_found': 'not_found',
  'broadcasts.invalid': 'invalid',
  'broadcasts.unknown_segment': 'invalid',
  'broadcasts.past_time': 'invalid',
  'broadcasts.far_time': 'invalid',
  'broadcasts.wrong_status': 'conflict',
};

/** A broadcast-module failure with a dotted code the HTTP API and the bot map to answers. */
export class BroadcastError extends refusalClass<BroadcastErrorCode>('BroadcastError', BROADCAST_KINDS) {}

/** Every reason a broadcast action is refused. */
export type BroadcastErrorCode = 'broadcasts.not_found' | 'broadcasts.invalid' | 'broadcasts.unknown_segment' | 'broadcasts.past_time' | 'broadcasts.far_time' | 'broadcasts.wrong_status';

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
  /** Where `broadcast.finished` is published (for webhooks); absent in tools that need none. */
  events?: Events;
}

/** What every broadcasts use case shares. */
export function createBroadcastsCore(deps: BroadcastsServiceDeps) {
  const repository = createBroadcastsRepository(deps.db);
  const progressIntervalMs = deps.progressIntervalMs ?? 5000;
  // One list every use case reads; filled once the other modules are set up.
  const moduleSegments: AudienceSegment[] = [];

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

  const recordTotals = async (row: BroadcastRow) => {
    const progress = progressOf(row, await counts(row.id));
    await repository.transition(row.id, [row.status], {
      delivered: progress.sent,
      blocked: progress.blocked,
      failed: progress.failed + progress.unconfirmed,
    });
  };

  return { deps, repository, progressIntervalMs, moduleSegments, load, buttonsOf, audienceOf, localeOf, wrongStatus, toRow, parseInput, segmentNamed, render, reachableFor, resolveAudience, counts, progressOf, progressScreen, progressLocale, refreshProgress, recordTotals };
}

/** What the broadcasts use cases share. */
export type BroadcastsCore = ReturnType<typeof createBroadcastsCore>;

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
