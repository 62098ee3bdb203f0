// Optional closed-loop measurement with wrk (Debian's package), when it is installed. The
// benchmark never depends on it: the Node generator is the fixed-rate measurement.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** What wrk reported. */
export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  non2xx: number;
  connections: number;
  durationS: number;
}

/** Whether `wrk` is on the PATH. */
export function wrkAvailable(): boolean {
  return spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error === undefined;
}

/** Converts wrk's "1.23ms", "850.00us" or "1.02s" to milliseconds. */
export function parseWrkDuration(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  const unit = match[2];
  return unit === 'us' ? value / 1000 : unit === 'ms' ? value : unit === 's' ? value * 1000 : value * 60_000;
}

/** Reads the figures out of `wrk --latency` output. */
export function parseWrkOutput(output: string): Omit<WrkResult, 'connections' | 'durationS'> {
  const percentile = (p: string) => parseWrkDuration(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(output)?.[1] ?? '');
  return {
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? Number.NaN),
    p50Ms: percentile('50'),
    p90Ms: percentile('90'),
    p99Ms: percentile('99'),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0),
  };
}

/**
 * Runs wrk with one thread (one Lua state, so update ids stay unique) against the webhook,
 * posting `/help` messages with fresh update ids from `firstUpdateId`. Asynchronous: the
 * caller's process may be serving the stub Bot API meanwhile.
 */
export async function runWrk(options: { url: string; secret: string; connections: number; durationS: number; firstUpdateId: number; firstChatId: number; chats: number }): Promise<WrkResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lavka-wrk-'));
  const script = path.join(dir, 'webhook.lua');
  writeFileSync(
    script,
    `local counter = 0
request = function()
  counter = counter + 1
  local id = ${options.firstUpdateId} + counter
  local chat = ${options.firstChatId} + (counter % ${options.chats})
  local body = string.format('{"update_id":%d,"message":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"private","first_name":"Load"},"from":{"id":%d,"is_bot":false,"first_name":"Load","language_code":"en"},"text":"/help","entities":[{"type":"bot_command","offset":0,"length":5}]}}', id, id, os.time(), chat, chat)
  return wrk.format("POST", "${new URL(options.url).pathname}", { ["Content-Type"] = "application/json", ["X-Telegram-Bot-Api-Secret-Token"] = "${options.secret}" }, body)
end
`,
  );
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', ['-t1', `-c${options.connections}`, `-d${options.durationS}s`, '--latency', '-s', script, options.url]);
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk failed: ${text}`))));
    });
    return { ...parseWrkOutput(output), connections: options.connections, durationS: options.durationS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
