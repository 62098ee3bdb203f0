/*
 * What every broadcasts file shares without the core: the job name and button prefixes, the
 * input and audience schemas, the error, the progress and analytics shapes, and the deps.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { SUPPORTED_LOCALES, type BusinessConfig } from '../../config/business.ts';
import type { Db } from '../../db/database.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { AudienceSegment } from '../module.ts';
import type { UsersService } from '../users/users.service.ts';
import type { BroadcastStatus } from './broadcasts.tables.ts';
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
  'broadcasts.external_id_taken': 'conflict',
};

/** A broadcast-module failure with a dotted code the HTTP API and the bot map to answers. */
export class BroadcastError extends refusalClass<BroadcastErrorCode>('BroadcastError', BROADCAST_KINDS) {}

/** Every reason a broadcast action is refused. */
export type BroadcastErrorCode =
  | 'broadcasts.not_found'
  | 'broadcasts.invalid'
  | 'broadcasts.unknown_segment'
  | 'broadcasts.past_time'
  | 'broadcasts.far_time'
  | 'broadcasts.wrong_status'
  | 'broadcasts.external_id_taken';

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
