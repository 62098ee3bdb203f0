// Feeds scripted users' updates to a bot's `handleUpdate`, the way an update loop would:
// many chats at once, each chat's updates one after another (a chat's next update depends
// on the bot's answer to the previous one, as with a real person).

import type { Update } from 'grammy/types';
import type { CallRecorder } from './recorder.ts';
import { ScriptError, type ScriptedUser } from './shop-script.ts';

/** Hands one update to the bot under test and resolves when it is fully handled. */
export type HandleUpdate = (update: Update) => Promise<void>;

/** What one load phase did. */
export interface LoadOutcome {
  /** Updates handled (successfully or not). */
  updates: number;
  elapsedMs: number;
  updatesPerSecond: number;
  /** One latency per handled update, in milliseconds. */
  latenciesMs: Float64Array;
  /** The script step of each latency (same order), for a per-step breakdown. */
  stepLabels: string[];
  /** Steps that could not be taken because the bot had not drawn the expected button. */
  scriptFailures: number;
  /** `handleUpdate` rejected (the bot's own error boundary did not catch it). */
  handlerErrors: number;
  /** Button presses the bot never answered with answerCallbackQuery. */
  unansweredCallbacks: number;
  /** A few failure messages for the report. */
  failureSamples: string[];
}

/** Extra figures of a fixed-rate phase. */
export interface OpenLoopOutcome extends LoadOutcome {
  offeredPerSecond: number;
  /** Arrivals not sent because too many were already waiting (the bot fell far behind). */
  shed: number;
  /** Worst delay between an arrival's scheduled time and its dispatch (event-loop stalls). */
  maxDispatchLagMs: number;
}

/** Failures after which a phase stops: the script or the bot is broken, not slow. */
const MAX_FAILURES = 50;

interface Tally {
  latencies: number[];
  labels: string[];
  scriptFailures: number;
  handlerErrors: number;
  unansweredCallbacks: number;
  failureSamples: string[];
}

const newTally = (): Tally => ({ latencies: [], labels: [], scriptFailures: 0, handlerErrors: 0, unansweredCallbacks: 0, failureSamples: [] });

const failures = (tally: Tally) => tally.scriptFailures + tally.handlerErrors;

/**
 * Takes one step of `user`: builds the update from what the bot last drew, hands it over,
 * and records the latency from `startedAt` (defaults to now) to the end of handling.
 */
async function takeStep(user: ScriptedUser, handle: HandleUpdate, recorder: CallRecorder, tally: Tally, startedAt?: number): Promise<boolean> {
  let next;
  try {
    next = user.nextUpdate();
  } catch (error) {
    if (!(error instanceof ScriptError)) throw error;
    tally.scriptFailures += 1;
    if (tally.failureSamples.length < 5) tally.failureSamples.push(`user ${user.id}: ${error.message}`);
    user.restart();
    return false;
  }
  const started = startedAt ?? performance.now();
  try {
    await handle(next.update);
  } catch (error) {
    tally.handlerErrors += 1;
    if (tally.failureSamples.length < 5) tally.failureSamples.push(`user ${user.id}, ${next.step.label}: ${(error as Error).message}`);
  }
  tally.latencies.push(performance.now() - started);
  tally.labels.push(next.step.label);
  if (next.callbackQueryId !== undefined && !recorder.takeAnswer(next.callbackQueryId)) tally.unansweredCallbacks += 1;
  user.advance();
  return true;
}

function outcome(tally: Tally, elapsedMs: number): LoadOutcome {
  const updates = tally.latencies.length;
  return {
    updates,
    elapsedMs,
    updatesPerSecond: elapsedMs > 0 ? (updates * 1000) / elapsedMs : 0,
    latenciesMs: Float64Array.from(tally.latencies),
    stepLabels: tally.labels,
    scriptFailures: tally.scriptFailures,
    handlerErrors: tally.handlerErrors,
    unansweredCallbacks: tally.unansweredCallbacks,
    failureSamples: tally.failureSamples,
  };
}

/**
 * Saturating load: every user takes `stepsPerUser` steps back to back, all users at once.
 * Throughput is what the bot sustains with `users.length` chats in flight.
 */
export async function runClosedLoop(options: { users: readonly ScriptedUser[]; handle: HandleUpdate; recorder: CallRecorder; stepsPerUser: number }): Promise<LoadOutcome> {
  const tally = newTally();
  const started = performance.now();
  await Promise.all(
    options.users.map(async (user) => {
      let taken = 0;
      while (taken < options.stepsPerUser && failures(tally) < MAX_FAILURES) {
        if (await takeStep(user, options.handle, options.recorder, tally)) taken += 1;
      }
    }),
  );
  return outcome(tally, performance.now() - started);
}

/**
 * Fixed offered rate: arrivals every 1/rate seconds, dealt to the users in turn, for
 * `durationMs`. Latency counts from the scheduled arrival, not from when the loop got round
 * to it, so a stalled event loop shows up in the figures instead of hiding (no coordinated
 * omission). A user still busy with the previous update queues the next one, as a chat does.
 */
export async function runOpenLoop(options: {
  users: readonly ScriptedUser[];
  handle: HandleUpdate;
  recorder: CallRecorder;
  ratePerSecond: number;
  durationMs: number;
  /** Arrivals allowed to wait at once before new ones are shed. */
  maxBacklog?: number;
}): Promise<OpenLoopOutcome> {
  const tally = newTally();
  const { users, ratePerSecond } = options;
  const total = Math.floor((ratePerSecond * options.durationMs) / 1000);
  // Half a second of arrivals: enough for any bot that keeps up, and a bound on how long a
  // bot that cannot keep up takes to drain what was accepted.
  const maxBacklog = options.maxBacklog ?? Math.max(50, Math.ceil(ratePerSecond / 2));
  const chains = users.map(() => Promise.resolve());
  let backlog = 0;
  let shed = 0;
  let maxLag = 0;
  const started = performance.now();
  const intervalMs = 1000 / ratePerSecond;
  let sent = 0;
  while (sent < total && failures(tally) < MAX_FAILURES) {
    const now = performance.now();
    const due = Math.min(total, Math.floor((now - started) / intervalMs) + 1);
    for (; sent < due; sent += 1) {
      const scheduledAt = started + sent * intervalMs;
      maxLag = Math.max(maxLag, now - scheduledAt);
      if (backlog >= maxBacklog) {
        shed += 1;
        continue;
      }
      const slot = sent % users.length;
      const user = users[slot] as ScriptedUser;
      backlog += 1;
      chains[slot] = (chains[slot] as Promise<void>).then(async () => {
        await takeStep(user, options.handle, options.recorder, tally, scheduledAt);
        backlog -= 1;
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(chains);
  const result = outcome(tally, performance.now() - started);
  return { ...result, offeredPerSecond: ratePerSecond, shed, maxDispatchLagMs: maxLag };
}
