// Load generator of the webhook benchmark, in its own process so that it never competes
// with Lavka's event loop: posts updates at a fixed offered rate over keep-alive HTTP and
// measures each request from its scheduled send time (no coordinated omission).

import { Agent, request } from 'node:http';
import { readJob, reportAndExit } from './child.ts';
import { summarizeLatencies, type LatencySummary } from './stats.ts';
import { webhookUpdate } from './webhook-updates.ts';

/** One fixed-rate phase. */
export interface WebhookLoadJob {
  url: string;
  /** The secret header to send (a wrong one measures the rejection path). */
  secret: string;
  ratePerSecond: number;
  durationMs: number;
  firstUpdateId: number;
  firstChatId: number;
  chats: number;
  /** Requests allowed in flight before new arrivals are shed. */
  maxInFlight: number;
}

/** What a phase measured. */
export interface WebhookLoadResult {
  offered: number;
  sent: number;
  completed: number;
  shed: number;
  elapsedMs: number;
  achievedPerSecond: number;
  statusCounts: Record<string, number>;
  networkErrors: number;
  latency: LatencySummary;
  maxSockets: number;
}

await reportAndExit<WebhookLoadResult>(async () => {
  const job = readJob<WebhookLoadJob>();
  const target = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: job.maxInFlight });
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let networkErrors = 0;
  let inFlight = 0;
  let shed = 0;
  let sent = 0;
  let maxSockets = 0;

  const post = (index: number, scheduledAt: number) =>
    new Promise<void>((resolve) => {
      const body = JSON.stringify(webhookUpdate(index, job));
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-telegram-bot-api-secret-token': job.secret },
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            statusCounts[String(response.statusCode)] = (statusCounts[String(response.statusCode)] ?? 0) + 1;
            latencies.push(performance.now() - scheduledAt);
            resolve();
          });
        },
      );
      req.on('error', () => {
        networkErrors += 1;
        resolve();
      });
      req.end(body);
    });

  const total = Math.floor((job.ratePerSecond * job.durationMs) / 1000);
  const intervalMs = 1000 / job.ratePerSecond;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  let next = 0;
  while (next < total) {
    const due = Math.min(total, Math.floor((performance.now() - started) / intervalMs) + 1);
    for (; next < due; next += 1) {
      if (inFlight >= job.maxInFlight) {
        shed += 1;
        continue;
      }
      inFlight += 1;
      sent += 1;
      maxSockets = Math.max(maxSockets, inFlight);
      pending.push(
        post(next, started + next * intervalMs).then(() => {
          inFlight -= 1;
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  const elapsedMs = performance.now() - started;
  agent.destroy();
  const ok = Object.entries(statusCounts).reduce((sum, [status, count]) => sum + (status.startsWith('2') ? count : 0), 0);
  return {
    offered: total,
    sent,
    completed: latencies.length,
    shed,
    elapsedMs,
    achievedPerSecond: (ok * 1000) / elapsedMs,
    statusCounts,
    networkErrors,
    latency: summarizeLatencies(latencies),
    maxSockets,
  };
});
