// Telegram's flood limits as sliding windows the sender checks before every message: one
// budget for the whole bot (about 30 msg/s), a separate one for paid broadcasts
// (`allow_paid_broadcast`, up to 1000 msg/s), and one per chat (1 msg/s in private chats,
// 20 msg/min in groups and channels). A window, unlike a token bucket, has no burst: no
// one-second span ever holds more than the budget, however long the bot was idle before.

/** Which bot-wide budget a message draws from. */
export type SendBudget = 'global' | 'paid';

/** One message that wants to go out. */
export interface SendRequest {
  /** The target chat; omitted for calls that only count on a bot-wide budget (direct replies). */
  chatId?: number;
  /** Paid broadcasts draw from the paid budget instead of the global one. */
  paid?: boolean;
  /**
   * A direct reply asking for a place (`tryAcquire`): it may use the whole bot-wide window,
   * including the places the outbox leaves free for replies, and it is remembered for the
   * reply reserve as {@link SendRateLimiter.acquire} replies are.
   */
  reply?: boolean;
}

/**
 * A place in the windows, taken by a message that is allowed out. It holds its place until
 * one window after {@link SendSlot.settle}: the request reaches Telegram somewhere between
 * the permit and its answer, so counting it until a window after the answer keeps every
 * window Telegram sees within the budget, however long the request took on the way.
 */
export interface SendSlot {
  /** Records that the call's answer came back (or that it was never made). Never rejects. */
  settle(): Promise<void>;
}

/**
 * The limiter's answer: the message has a place in every window it touches, or it has none
 * and `waitMs` says how long until one would free up. `scope` says which window was full: a
 * `chat` wait concerns only that chat (the sender sets the message aside and sends others),
 * a `global` wait concerns every message on that budget (the sender waits).
 */
export type SendPermit = ({ ok: true } & SendSlot) | { ok: false; waitMs: number; scope: 'global' | 'chat' };

/** Limits as configured; every field has Telegram's default. */
export interface RateLimits {
  /** Messages in any one second for the whole bot (default 30). */
  globalPerSecond: number;
  /** Messages in any one second with `allow_paid_broadcast` (default 1000). */
  paidPerSecond: number;
  /** Messages in any one second to one private chat (default 1). */
  privatePerSecond: number;
  /** Messages in any one minute to one group or channel (default 20). */
  groupPerMinute: number;
  /**
   * Places in the global window the outbox leaves free for direct replies even when none came
   * lately (default: a tenth of `globalPerSecond`). When replies did come, the outbox leaves
   * free as many as the busiest second of the last ten seconds brought, if that is more.
   */
  replyReserve: number;
}

/** Telegram's published limits. */
export const DEFAULT_RATE_LIMITS: Omit<RateLimits, 'replyReserve'> = {
  globalPerSecond: 30,
  paidPerSecond: 1000,
  privatePerSecond: 1,
  groupPerMinute: 20,
};

/** The bot-wide windows are one second long (longer only for a rate below one a second). */
export const BUDGET_WINDOW_MS = 1000;
/**
 * How long a send whose answer never came (a crashed instance, a hung call) keeps its place
 * before the window lets it go: longer than an outbox call may take (its client gives up
 * after 5 s), short enough that a killed instance does not stall the others for long — its
 * unanswered sends also hold their chats' places, and the next reply to such a chat waits.
 */
export const IN_FLIGHT_HOLD_MS = 5_000;
/** How far back the reply reserve looks for the busiest second of replies. */
export const REPLY_MEMORY_MS = 10_000;

/** Fills in the defaults, including the reply reserve that follows the global rate. */
export function resolveRateLimits(limits: Partial<RateLimits> = {}): RateLimits {
  const merged = { ...DEFAULT_RATE_LIMITS, ...limits };
  return { ...merged, replyReserve: limits.replyReserve ?? Math.ceil(merged.globalPerSecond / 10) };
}

/** Which chats are groups or channels: Telegram gives them negative ids. */
export function isGroupChat(chatId: number): boolean {
  return chatId < 0;
}

/** The window of one chat: how many messages it may receive in how many milliseconds. */
export function chatWindow(limits: RateLimits, chatId: number): { limit: number; windowMs: number } {
  return isGroupChat(chatId)
    ? { limit: Math.max(1, limits.groupPerMinute), windowMs: 60_000 }
    : { limit: Math.max(1, limits.privatePerSecond), windowMs: 1000 };
}

/**
 * The bot-wide window: the whole messages a second allows (a fractional rate rounds down), or
 * for a rate below one a second, one message in a window as long as the rate says.
 */
export function budgetWindow(limits: RateLimits, paid: boolean): { limit: number; windowMs: number } {
  const perSecond = paid ? limits.paidPerSecond : limits.globalPerSecond;
  return perSecond >= 1 ? { limit: Math.floor(perSecond), windowMs: BUDGET_WINDOW_MS } : { limit: 1, windowMs: Math.ceil(BUDGET_WINDOW_MS / perSecond) };
}

/**
 * How many places the outbox leaves free for replies: the floor, or the most replies any one
 * window of the recent past held, whichever is more — but never the whole budget, so the
 * outbox always moves. Replies themselves never wait; this is what keeps them within it.
 */
export function replyReserveOf(floor: number, recentPeak: number, limit: number): number {
  return Math.min(limit - 1, Math.max(floor, recentPeak));
}

/** The most of these (sorted) times that fall within one window of `windowMs`. */
export function peakInWindow(sortedTimesMs: readonly number[], windowMs: number): number {
  let best = 0;
  let left = 0;
  for (let right = 0; right < sortedTimesMs.length; right++) {
    while ((sortedTimesMs[left] as number) <= (sortedTimesMs[right] as number) - windowMs) left += 1;
    best = Math.max(best, right - left + 1);
  }
  return best;
}

/** Decides whether a message may go out now; shared by the sender and direct replies. */
export interface SendRateLimiter {
  readonly limits: RateLimits;
  /** Takes a place in each window the message touches, or none (see {@link SendPermit}). */
  tryAcquire(request: SendRequest): Promise<SendPermit>;
  /**
   * Records a direct reply in its bot-wide window without waiting for room: a customer is
   * waiting for the answer. The outbox leaves room for replies (see
   * {@link RateLimits.replyReserve}) and waits for the windows replies filled, so replies and
   * broadcasts together stay within the budget. Only a 429 pause makes a reply wait.
   */
  acquire(request: SendRequest, signal?: AbortSignal): Promise<SendSlot>;
  /** Stops every send on every budget until `untilMs` (epoch ms): Telegram answered 429. */
  pauseUntil(untilMs: number): Promise<void>;
}

/** One sliding window kept in memory. */
interface SendWindow {
  /** Sends not answered yet: ticket → when they were let through. */
  inFlight: Map<number, number>;
  /** When answered sends leave the window, earliest first (answers are recorded in clock order). */
  leaving: number[];
  head: number;
}

const newWindow = (): SendWindow => ({ inFlight: new Map(), leaving: [], head: 0 });

/** Forgets what has left the window by `nowMs` and returns how many sends it still holds. */
function occupancy(window: SendWindow, windowMs: number, nowMs: number): number {
  while (window.head < window.leaving.length && (window.leaving[window.head] as number) <= nowMs) window.head += 1;
  if (window.head > 1024 && window.head * 2 > window.leaving.length) {
    window.leaving = window.leaving.slice(window.head);
    window.head = 0;
  }
  // forEach, not for…of: this runs for every send, and the entries iterator allocates an array
  // per entry.
  window.inFlight.forEach((startedMs, ticket, inFlight) => {
    if (startedMs + IN_FLIGHT_HOLD_MS + windowMs <= nowMs) inFlight.delete(ticket);
  });
  return window.inFlight.size + window.leaving.length - window.head;
}

/**
 * Milliseconds until `count` more sends have left the window. Sends still in flight leave a
 * whole window after their answer at the earliest, so they come after every answered one.
 */
function msUntilLeft(window: SendWindow, windowMs: number, nowMs: number, count: number): number {
  const answered = window.leaving.length - window.head;
  const leavesAtMs = count <= answered ? (window.leaving[window.head + count - 1] as number) : nowMs + windowMs;
  return Math.max(1, Math.ceil(Math.min(windowMs, leavesAtMs - nowMs)));
}

/** Moves a send from in flight to answered; its place is freed one window from now. */
function settleIn(window: SendWindow | undefined, ticket: number, windowMs: number, nowMs: number): void {
  if (!window?.inFlight.delete(ticket)) return;
  const last = window.leaving.at(-1) ?? 0;
  window.leaving.push(Math.max(last, nowMs + windowMs));
}

/** Options for {@link createRateLimiter}. */
export interface RateLimiterOptions {
  limits?: Partial<RateLimits>;
  /** Milliseconds since the epoch (tests and the benchmark run a faster clock). */
  clock?: () => number;
  /** Sleeps for the clock's milliseconds (matches `clock`). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * The in-process limiter: exact sliding windows in memory. Right for one Lavka instance; with
 * several instances use the Redis limiter, or three instances would send three times the rate.
 */
export function createRateLimiter(options: RateLimiterOptions = {}): SendRateLimiter {
  const limits = resolveRateLimits(options.limits);
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? sleepMs;
  const startedMs = clock();
  // A process restarted right after a crash does not know what its predecessor just sent: it
  // may have sent its full share in the last instant before it died, and calls it had in
  // flight still reach Telegram after that. So the bot-wide windows start full, as if the
  // whole share had been sent right at the start: the outbox sends its first message one
  // window after the start (direct replies never wait), and no window ever holds more than the
  // budget, whatever the predecessor did.
  const startBudget = (paid: boolean) => {
    const { limit, windowMs } = budgetWindow(limits, paid);
    const reserveFloor = paid ? 0 : limits.replyReserve;
    const share = Math.max(1, limit - replyReserveOf(reserveFloor, 0, limit));
    const window = newWindow();
    window.leaving = Array.from({ length: share }, () => startedMs + windowMs);
    return { window, replies: [] as number[], limit, windowMs, reserveFloor };
  };
  const budgets: Record<SendBudget, ReturnType<typeof startBudget>> = { global: startBudget(false), paid: startBudget(true) };
  const chats = new Map<number, SendWindow>();
  let pausedUntilMs = 0;
  let lastSweepMs = startedMs;
  let nextTicket = 1;

  // An empty chat window carries no information; dropping it keeps memory flat through a
  // 100 000-recipient broadcast.
  const sweep = (nowMs: number) => {
    if (nowMs - lastSweepMs < 10_000) return;
    lastSweepMs = nowMs;
    for (const [chatId, window] of chats) {
      if (occupancy(window, chatWindow(limits, chatId).windowMs, nowMs) === 0) chats.delete(chatId);
    }
  };

  const reserveOf = (budget: (typeof budgets)[SendBudget], nowMs: number): number => {
    while (budget.replies.length > 0 && (budget.replies[0] as number) <= nowMs - REPLY_MEMORY_MS) budget.replies.shift();
    return replyReserveOf(budget.reserveFloor, peakInWindow(budget.replies, budget.windowMs), budget.limit);
  };

  const slot = (ticket: number, paid: boolean, chatId: number | undefined): SendSlot => ({
    async settle() {
      const nowMs = clock();
      const budget = budgets[paid ? 'paid' : 'global'];
      settleIn(budget.window, ticket, budget.windowMs, nowMs);
      if (chatId !== undefined) settleIn(chats.get(chatId), ticket, chatWindow(limits, chatId).windowMs, nowMs);
    },
  });

  const tryAcquireNow = (request: SendRequest): SendPermit => {
    const nowMs = clock();
    if (pausedUntilMs > nowMs) return { ok: false, waitMs: pausedUntilMs - nowMs, scope: 'global' };
    sweep(nowMs);
    const paid = request.paid === true;
    let chat: SendWindow | undefined;
    if (request.chatId !== undefined) {
      const { limit, windowMs } = chatWindow(limits, request.chatId);
      chat = chats.get(request.chatId) ?? newWindow();
      const used = occupancy(chat, windowMs, nowMs);
      if (used >= limit) return { ok: false, waitMs: msUntilLeft(chat, windowMs, nowMs, used - limit + 1), scope: 'chat' };
    }
    const budget = budgets[paid ? 'paid' : 'global'];
    const used = occupancy(budget.window, budget.windowMs, nowMs);
    const reserve = request.reply ? 0 : reserveOf(budget, nowMs);
    if (used + reserve >= budget.limit) {
      return { ok: false, waitMs: msUntilLeft(budget.window, budget.windowMs, nowMs, used + reserve - budget.limit + 1), scope: 'global' };
    }
    const ticket = nextTicket++;
    budget.window.inFlight.set(ticket, nowMs);
    if (request.reply) budget.replies.push(nowMs);
    if (request.chatId !== undefined && chat) {
      chat.inFlight.set(ticket, nowMs);
      chats.set(request.chatId, chat);
    }
    return { ok: true, ...slot(ticket, paid, request.chatId) };
  };

  return {
    limits,
    async tryAcquire(request) {
      return tryAcquireNow(request);
    },
    async acquire(request, signal) {
      for (let nowMs = clock(); pausedUntilMs > nowMs && !signal?.aborted; nowMs = clock()) {
        await sleep(pausedUntilMs - nowMs, signal);
      }
      const nowMs = clock();
      const paid = request.paid === true;
      const budget = budgets[paid ? 'paid' : 'global'];
      occupancy(budget.window, budget.windowMs, nowMs);
      const ticket = nextTicket++;
      budget.window.inFlight.set(ticket, nowMs);
      budget.replies.push(nowMs);
      return slot(ticket, paid, undefined);
    },
    async pauseUntil(untilMs) {
      pausedUntilMs = Math.max(pausedUntilMs, untilMs);
    },
  };
}

/** A cancellable sleep on the real clock. */
export function sleepMs(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
