// The simulator's whole state in one record, passed explicitly to every method handler.

import type { ApiUser, JsonObject } from './api-types.ts';
import type { ChatRecord, InvoiceRecord, UserRecord } from './chat-types.ts';
import type { CommandStore } from './command-store.ts';
import type { SimEventHub } from './event-bus.ts';
import type { FileStore } from './file-store.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { StatsRecorder } from './stats.ts';
import type { UpdateQueue } from './update-queue.ts';
import type { WebhookPusher } from './webhook-pusher.ts';

/** Options with every default filled in. */
export interface ResolvedSimOptions {
  token: string;
  botUsername: string;
  longPollMaxMs: number;
  callbackQueryTtlMs: number;
  preCheckoutTimeoutMs: number;
  maxDownloadBytes: number;
  maxUploadBytes: number;
}

/** A callback query the bot has not answered yet (or has, once). */
export interface CallbackQueryRecord {
  id: string;
  chatId: number;
  messageId: number;
  userId: number;
  data: string | undefined;
  createdAtMs: number;
  answered: boolean;
}

/** A pre-checkout query waiting for answerPreCheckoutQuery. */
export interface PreCheckoutRecord {
  id: string;
  userId: number;
  invoice: InvoiceRecord;
  createdAtMs: number;
  answered: boolean;
  onAnswer: (answer: { ok: boolean; errorMessage: string | undefined }) => void;
}

/** A completed payment, refundable once when paid in Stars. */
export interface PaymentRecord {
  chargeId: string;
  providerChargeId: string;
  userId: number;
  chatId: number;
  currency: string;
  totalAmount: number;
  payload: string;
  dateSec: number;
  refunded: boolean;
}

/** Everything handlers read and change. */
export interface SimState {
  options: ResolvedSimOptions;
  clock: () => number;
  bot: ApiUser;
  users: Map<number, UserRecord>;
  chats: Map<number, ChatRecord>;
  events: SimEventHub;
  files: FileStore;
  updates: UpdateQueue;
  webhook: WebhookPusher;
  limiter: RateLimiter;
  stats: StatsRecorder;
  commands: CommandStore;
  callbackQueries: Map<string, CallbackQueryRecord>;
  preCheckouts: Map<string, PreCheckoutRecord>;
  invoiceLinks: Map<string, InvoiceRecord>;
  payments: Map<string, PaymentRecord>;
  starTransactions: JsonObject[];
  /** Plain stored settings: descriptions, names, menu buttons, default admin rights. */
  settings: Map<string, unknown>;
  /** Increasing counters for ids (callback queries, charges, media groups…). */
  nextSerial: (name: string) => number;
  /** Aborted by close(): every wait and timer listens to it. */
  lifetime: AbortSignal;
}
