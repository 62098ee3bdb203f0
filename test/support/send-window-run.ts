import type { SendRateLimiter, SendSlot } from '../../src/delivery/rate-limiter.ts';

/** A small seeded generator, so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What one run produced: when each message reached "Telegram", outbox and replies together. */
export interface SendRun {
  arrivalsMs: number[];
  outboxSent: number;
  repliesSent: number;
}

/** How a run is shaped; times are on the fake clock the limiter was given. */
export interface SendRunOptions {
  clock: { ms: number };
  durationMs: number;
  /** When the direct replies are sent (they never wait). */
  replyTimesMs: readonly number[];
  /** Outbox messages start when this much of the run has passed (before that only replies go). */
  outboxFromMs?: number;
  /** Longest time a call takes; each call takes a random part of it and reaches Telegram on the way. */
  maxLatencyMs: number;
  random: () => number;
}

/**
 * Drives a limiter the way the sender and the reply transformer do, on a fake clock: the outbox
 * takes places greedily for distinct chats (waiting as long as a refusal says), replies are
 * recorded at their times, and each call is answered after a random latency, reaching
 * Telegram at a random moment between its permit and its answer.
 */
export async function runSends(limiter: SendRateLimiter, options: SendRunOptions): Promise<SendRun> {
  const { clock, random } = options;
  const start = clock.ms;
  const end = start + options.durationMs;
  const pending: { settleAtMs: number; slot: SendSlot }[] = [];
  const arrivalsMs: number[] = [];
  const replies = [...options.replyTimesMs].map((offset) => start + offset).sort((a, b) => a - b);
  let nextReply = 0;
  let nextTryMs = start + (options.outboxFromMs ?? 0);
  let chatId = 1_000_000;
  let outboxSent = 0;
  const call = (slot: SendSlot) => {
    const latencyMs = Math.floor(random() * (options.maxLatencyMs + 1));
    arrivalsMs.push(clock.ms + Math.floor(random() * (latencyMs + 1)));
    pending.push({ settleAtMs: clock.ms + latencyMs, slot });
  };
  for (; clock.ms < end; clock.ms += 1) {
    for (let index = pending.length - 1; index >= 0; index--) {
      const entry = pending[index];
      if (entry && entry.settleAtMs <= clock.ms) {
        pending.splice(index, 1);
        await entry.slot.settle();
      }
    }
    while (nextReply < replies.length && (replies[nextReply] as number) <= clock.ms) {
      call(await limiter.acquire({ chatId: 42 }));
      nextReply += 1;
    }
    if (clock.ms < nextTryMs) continue;
    for (;;) {
      const permit = await limiter.tryAcquire({ chatId: (chatId += 1) });
      if (!permit.ok) {
        nextTryMs = clock.ms + permit.waitMs;
        break;
      }
      outboxSent += 1;
      call(permit);
    }
  }
  for (const entry of pending) await entry.slot.settle();
  return { arrivalsMs, outboxSent, repliesSent: nextReply };
}

/** The most messages any one-second sliding window holds ([t, t + windowMs) for every t). */
export function busiestWindow(timesMs: readonly number[], windowMs = 1000): number {
  const sorted = [...timesMs].sort((a, b) => a - b);
  let best = 0;
  let left = 0;
  for (let right = 0; right < sorted.length; right++) {
    while ((sorted[left] as number) <= (sorted[right] as number) - windowMs) left += 1;
    best = Math.max(best, right - left + 1);
  }
  return best;
}

/** Reply times with at least `minGapMs` between them (so at most 1000 / minGapMs in any second), at random. */
export function spacedReplies(random: () => number, fromMs: number, toMs: number, minGapMs: number): number[] {
  const times: number[] = [];
  for (let at = fromMs + Math.floor(random() * minGapMs); at < toMs; at += minGapMs + Math.floor(random() * minGapMs)) times.push(at);
  return times;
}
