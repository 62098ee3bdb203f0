import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { describeMachine } from './machine.ts';
import { fileTimestamp, writeResults, type LatestResults } from './results.ts';

describe('result files', () => {
  test('each run writes a timestamped file and latest.json keeps the newest result of every benchmark', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lavka-bench-results-'));
    try {
      const machine = describeMachine();
      writeResults('throughput', { rate: 1 }, { dir, scale: 'small', command: 'a', machine, now: new Date('2026-03-11T06:00:00Z') });
      writeResults('startup', { ms: 900 }, { dir, scale: 'small', command: 'b', machine, now: new Date('2026-03-11T06:01:00Z') });
      writeResults('throughput', { rate: 2 }, { dir, scale: 'full', command: 'c', machine, now: new Date('2026-03-11T06:02:00Z') });
      assert.deepEqual(readdirSync(dir).sort(), ['latest.json', 'startup-20260311T060100Z.json', 'throughput-20260311T060000Z.json', 'throughput-20260311T060200Z.json']);
      const latest = JSON.parse(readFileSync(path.join(dir, 'latest.json'), 'utf8')) as LatestResults;
      assert.deepEqual(Object.keys(latest.benchmarks).sort(), ['startup', 'throughput']);
      assert.deepEqual(latest.benchmarks.throughput?.data, { rate: 2 });
      assert.equal(latest.benchmarks.throughput?.scale, 'full');
      assert.equal(latest.benchmarks.startup?.command, 'b');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the machine description names the CPU, cores, memory and Node version', () => {
    const machine = describeMachine();
    assert.ok(machine.cores >= 1);
    assert.ok(machine.memoryGb > 0);
    assert.equal(machine.nodeVersion, process.version);
    assert.equal(fileTimestamp(new Date('2026-03-11T06:05:09.123Z')), '20260311T060509Z');
  });
});

describe('README figures', () => {
  test('the Markdown is built from whatever benchmarks latest.json holds, and nothing for none', async () => {
    const { renderReadmeTables } = await import('./readme-tables.ts');
    assert.equal(renderReadmeTables({ updatedAt: '', benchmarks: {} }), '');
    const machine = describeMachine();
    const text = renderReadmeTables({
      updatedAt: '2026-03-11T06:00:00Z',
      benchmarks: {
        startup: {
          benchmark: 'startup',
          finishedAt: '2026-03-11T06:00:00.000Z',
          scale: 'small',
          command: 'BENCH_SCALE=small npm run bench -- startup',
          machine,
          data: { kinds: [{ kind: 'warm', firstUpdateMs: { median: 812, min: 790, max: 900 }, idleRssMb: { median: 201 } }] },
        },
      },
    });
    assert.match(text, /#### Start-up/);
    assert.match(text, /\| warm \| 812 \(790–900\) \| 201 \|/);
    assert.match(text, /`BENCH_SCALE=small npm run bench -- startup` · 2026-03-11 06:00 UTC/);
  });

  test('a loaded run says so under its table, single runs say "1 run", and the busiest second is shown', async () => {
    const { renderReadmeTables } = await import('./readme-tables.ts');
    const quiet = { ...describeMachine(), loadAverage1m: 0.3, loaded: false, quietLoad: 1, quietWaitedS: 0 };
    const loaded = { ...quiet, loadAverage1m: 2.5, loaded: true, quietWaitedS: 60 };
    const envelope = (benchmark: string, machine: typeof quiet, data: Record<string, unknown>) => ({ benchmark, finishedAt: '2026-03-11T06:00:00.000Z', scale: 'small', command: `npm run bench -- ${benchmark}`, machine, data });
    const text = renderReadmeTables({
      updatedAt: '2026-03-11T06:00:00Z',
      benchmarks: {
        startup: envelope('startup', loaded, {
          kinds: [{ kind: 'cold', firstUpdateMs: { runs: 1, median: 900, min: 900, max: 900 }, idleRssMb: { runs: 1, median: 200, min: 200, max: 200 } }],
          load: { startLoad1m: 2.5, endLoad1m: 2.1 },
        }),
        broadcast: envelope('broadcast', quiet, {
          results: [{ scenario: 'default limit (30/s)', recipients: 1000, limitPerSecond: 30, achievedPerSecond: 29.9, shareOfLimit: 0.997, maxInAnySecond: 31, maxPerChatInAnySecond: 1, tooManyRequests: 0, duplicates: 0, losses: 0, senderPeakRssMb: 200 }],
          load: { startLoad1m: 0.3, endLoad1m: 0.6 },
        }),
      },
    });
    const [broadcastPart, startupPart] = text.split('#### Start-up');
    assert.match(startupPart ?? '', /\| cold \| 900 \(1 run\) \| 200 \(1 run\) \|/);
    assert.match(startupPart ?? '', /ran loaded \(load average 2\.5\)/);
    assert.match(startupPart ?? '', /load average \(1 min\) 2\.5 at start, 2\.1 at end/);
    assert.match(startupPart ?? '', /\*Ran loaded \(load average 2\.5, at or above the quiet threshold 1 after waiting 60 s\)/);
    assert.match(broadcastPart ?? '', /\| default limit \(30\/s\) \| 1,000 \| 29\.9 \| 100 % \| 31 \(30\) \| 1 \|/);
    assert.doesNotMatch(broadcastPart ?? '', /[Rr]an loaded/);
  });
});
