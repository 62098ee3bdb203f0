// Prints the README's Performance figures as Markdown from bench/results/latest.json, so
// the README is updated from a run, never retyped: `npx node bench/lib/readme-tables.ts`.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadLine, machineLine, machineSummary, type LoadSpan } from './machine.ts';
import { RESULTS_DIR, type LatestResults, type ResultEnvelope } from './results.ts';
import { formatMarkdownTable, formatNumber, print, type Column } from './table.ts';

type Row = Record<string, string>;
const columnsOf = (headers: string[], numeric: string[] = []): Column<Row>[] => headers.map((header) => ({ header, numeric: numeric.includes(header), value: (row) => row[header] ?? '' }));
const ms = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '—' : formatNumber(value, value < 10 ? 1 : 0));
/** Where a table's figures come from: command, time, machine, and the load while measuring. */
const origin = (envelope: ResultEnvelope<Record<string, unknown>>) => {
  const load = envelope.data.load as LoadSpan | null | undefined;
  const machine = load ? `${machineSummary(envelope.machine)} (${loadLine(load, envelope.machine)})` : machineLine(envelope.machine);
  return `\`${envelope.command}\` · ${envelope.finishedAt.slice(0, 16).replace('T', ' ')} UTC · ${machine}`;
};

/** The line under a table of a run the quiet-machine gate could not wait out; nothing otherwise. */
const loadedNote = (envelope: ResultEnvelope<unknown>): string[] => {
  const machine = envelope.machine;
  if (!machine.loaded) return [];
  const threshold = machine.quietLoad === undefined ? '' : `, at or above the quiet threshold ${machine.quietLoad}${machine.quietWaitedS ? ` after waiting ${machine.quietWaitedS} s` : ''}`;
  return [`*Ran loaded (load average ${machine.loadAverage1m}${threshold}): these figures are from a busy machine; rerun on a quiet one before quoting them.*`, ''];
};

/** A figure of repeated rounds: "median (min–max)", "median (1 run)", or the median alone when older results lack the range. */
const spread = (value: { median: number; min?: number; max?: number; runs?: number } | undefined, format: (value: number) => string = (number) => formatNumber(number)): string => {
  if (!value || !Number.isFinite(value.median)) return '—';
  if (value.runs === 1) return `${format(value.median)} (1 run)`;
  if (value.min === undefined || value.max === undefined) return format(value.median);
  return `${format(value.median)} (${format(value.min)}–${format(value.max)})`;
};

/** Renders every benchmark present in `latest` as Markdown sections. */
export function renderReadmeTables(latest: LatestResults): string {
  const out: string[] = [];
  const { throughput, webhook, scale, startup, broadcast, integration } = latest.benchmarks as Record<string, ResultEnvelope<Record<string, unknown>> | undefined>;

  if (throughput) {
    const rows = throughput.data.rows as {
      label: string;
      throughput: { median: number; min: number; max: number; runs: number };
      shareOfGrammy?: number;
      fixedRate?: { latency: { p50Ms: number; p99Ms: number }; p99MedianMs?: number; p99PerRoundMs?: number[]; achievedPerSecond: number };
      startRssMb: number;
      peakRssMb: number;
      sqlPerUpdate?: { queries: number; transactions: number };
    }[];
    out.push('#### Update throughput and handling latency', '', origin(throughput), '');
    const lavkaFrom = (throughput.data.settings as { lavkaFrom?: string } | undefined)?.lavkaFrom;
    if (lavkaFrom) out.push(lavkaFrom === 'bundle' ? 'Lavka ran from the start-up bundle, as `npm start` runs it.' : 'Lavka ran from its sources (`BENCH_LAVKA=sources`), not as `npm start` runs it.', '');
    out.push(
      formatMarkdownTable(
        columnsOf(
          ['system', 'updates/s (saturated)', 'vs bare grammY', 'p50 ms @ 500/s', 'p99 ms @ 500/s', 'SQL / update (commits)', 'RSS start / peak MB'],
          ['updates/s (saturated)', 'vs bare grammY', 'p50 ms @ 500/s', 'p99 ms @ 500/s', 'SQL / update (commits)', 'RSS start / peak MB'],
        ),
        rows.map((row) => ({
          system: row.label,
          'updates/s (saturated)': spread(row.throughput),
          'vs bare grammY': row.shareOfGrammy === undefined ? '—' : `${formatNumber(row.shareOfGrammy * 100)} %`,
          'p50 ms @ 500/s': row.fixedRate ? ms(row.fixedRate.latency.p50Ms) : '—',
          'SQL / update (commits)': row.sqlPerUpdate ? `${formatNumber(row.sqlPerUpdate.queries, 2)} (${formatNumber(row.sqlPerUpdate.transactions, 2)})` : '—',
          'p99 ms @ 500/s': row.fixedRate
            ? `${ms(row.fixedRate.p99MedianMs ?? row.fixedRate.latency.p99Ms)}${(row.fixedRate.p99PerRoundMs ?? []).length > 1 ? ` [${(row.fixedRate.p99PerRoundMs ?? []).map((value) => ms(value)).join(', ')}]` : (row.fixedRate.p99PerRoundMs ?? []).length === 1 ? ' (1 run)' : ''}${row.fixedRate.achievedPerSecond < 495 ? `, ${formatNumber(row.fixedRate.achievedPerSecond)}/s achieved` : ''}`
            : '—',
          'RSS start / peak MB': `${formatNumber(row.startRssMb)} / ${formatNumber(row.peakRssMb)}`,
        })),
      ),
      '',
      'Updates/s: median (min–max) of the rounds; p99: the median of the rounds\' own p99 [each round]; p50 pooled over the rounds.',
      '',
      ...loadedNote(throughput),
    );
  }

  if (webhook) {
    const phases = webhook.data.phases as {
      name: string;
      answeredPerSecond: number;
      okPerSecond: number;
      latency: { p50Ms: number; p95Ms: number; p99Ms: number };
      statusCounts: Record<string, number>;
      settle?: { durationMs: number; statusCounts: Record<string, number> };
    }[];
    const wrk = webhook.data.wrk as { requestsPerSecond: number; p50Ms: number; p99Ms: number; connections: number } | null;
    out.push('#### Webhook route (Fastify, secret check, Lavka on SQLite)', '', origin(webhook), '');
    const rows: Row[] = phases.map((phase) => ({
      'offered load': phase.name,
      'answered/s': formatNumber(phase.answeredPerSecond),
      'p50 ms': ms(phase.latency.p50Ms),
      'p95 ms': ms(phase.latency.p95Ms),
      'p99 ms': ms(phase.latency.p99Ms),
      // The unmeasured run before a rate counts its failures too (bench/README.md, settling).
      statuses: [phase.statusCounts, ...(phase.settle ? [phase.settle.statusCounts] : [])]
        .map((counts, index) => `${index === 1 ? '(unmeasured first: ' : ''}${Object.entries(counts).map(([status, count]) => `${status}×${count}`).join(' ')}${index === 1 ? ')' : ''}`)
        .join(' '),
    }));
    const settleMs = phases.find((phase) => phase.settle)?.settle?.durationMs;
    if (wrk) rows.push({ 'offered load': `wrk, ${wrk.connections} connections (closed loop)`, 'answered/s': formatNumber(wrk.requestsPerSecond), 'p50 ms': ms(wrk.p50Ms), 'p95 ms': '—', 'p99 ms': ms(wrk.p99Ms), statuses: '' });
    out.push(formatMarkdownTable(columnsOf(['offered load', 'answered/s', 'p50 ms', 'p95 ms', 'p99 ms', 'statuses'], ['answered/s', 'p50 ms', 'p95 ms', 'p99 ms']), rows), '', `Every row is 1 run${settleMs ? `, each offered rate after ${settleMs / 1000} s of it unmeasured` : ''}.`, '', ...loadedNote(webhook));
  }

  if (broadcast) {
    const results = broadcast.data.results as {
      scenario: string;
      recipients: number;
      limitPerSecond?: number;
      achievedPerSecond: number;
      shareOfLimit: number;
      maxInAnySecond?: number;
      maxPerChatInAnySecond?: number;
      tooManyRequests: number;
      duplicates: number;
      losses: number;
      senderPeakRssMb: number;
    }[];
    out.push('#### Broadcast (from bench/broadcast.ts)', '', origin(broadcast), '');
    out.push(
      formatMarkdownTable(
        columnsOf(
          ['scenario', 'recipients', 'msg/s', 'share of limit', 'max in any second (limit)', 'max per chat in any second (limit 1)', '429s', 'duplicates', 'losses', 'sender peak RSS MB'],
          ['recipients', 'msg/s', 'share of limit', 'max in any second (limit)', 'max per chat in any second (limit 1)', '429s', 'duplicates', 'losses', 'sender peak RSS MB'],
        ),
        results.map((result) => ({
          scenario: result.scenario,
          recipients: formatNumber(result.recipients),
          'msg/s': formatNumber(result.achievedPerSecond, 1),
          'share of limit': `${formatNumber(result.shareOfLimit * 100)} %`,
          'max in any second (limit)': result.maxInAnySecond === undefined ? '—' : `${formatNumber(result.maxInAnySecond)} (${formatNumber(result.limitPerSecond ?? Number.NaN)})`,
          'max per chat in any second (limit 1)': result.maxPerChatInAnySecond === undefined ? '—' : String(result.maxPerChatInAnySecond),
          '429s': String(result.tooManyRequests),
          duplicates: String(result.duplicates),
          losses: String(result.losses),
          'sender peak RSS MB': formatNumber(result.senderPeakRssMb),
        })),
      ),
      '',
      'Every scenario is 1 run. msg/s: first to last message; max in any second: the most messages in any window [t, t + 1 s) of their arrival times, overall and for the busiest chat.',
      '',
      ...loadedNote(broadcast),
    );
  }

  if (scale) {
    const sizes = scale.data.sizes as { users: number; orders: number; ledgerRows: number };
    const comparison = scale.data.comparison as {
      dialect: string;
      data: string;
      updatesPerSecond: number;
      rounds?: number[];
      throughput?: { median: number; min: number; max: number; runs: number };
      p99Ms: number;
      p99?: { median: number; min: number; max: number; runs: number };
      ratio: number | null;
    }[];
    out.push(
      `#### Scale of data (${formatNumber(sizes.users)} users, ${formatNumber(sizes.orders)} orders, ${formatNumber(sizes.ledgerRows)} ledger rows)`,
      '',
      origin(scale),
      '',
    );
    out.push(
      formatMarkdownTable(
        columnsOf(['database', 'updates/s (saturated)', 'seeded / empty', 'p99 ms @ 500/s'], ['updates/s (saturated)', 'seeded / empty', 'p99 ms @ 500/s']),
        comparison.map((row) => ({
          database: `${row.dialect}, ${row.data}`,
          'updates/s (saturated)': row.throughput
            ? spread(row.throughput)
            : `${formatNumber(row.updatesPerSecond)}${(row.rounds ?? []).length > 1 ? ` (${(row.rounds ?? []).map((value) => formatNumber(value)).join(', ')})` : ''}`,
          'seeded / empty': row.ratio === null ? '' : `${formatNumber(row.ratio * 100)} %`,
          'p99 ms @ 500/s': row.p99 ? spread(row.p99, ms) : ms(row.p99Ms),
        })),
      ),
      '',
      `Full scans of tables over 10 000 rows on the hot path: ${scale.data.noFullScans ? 'none' : 'some — see the benchmark output'}.`,
      '',
      ...loadedNote(scale),
    );
  }

  if (startup) {
    const kinds = startup.data.kinds as { kind: string; firstUpdateMs: { median: number; min: number; max: number; runs?: number }; idleRssMb: { median: number; min?: number; max?: number; runs?: number } }[];
    out.push('#### Start-up (spawn what `npm start` runs → first update answered)', '', origin(startup), '');
    out.push(
      formatMarkdownTable(
        columnsOf(['start', 'first update ms (median, range)', 'idle RSS MB'], ['first update ms (median, range)', 'idle RSS MB']),
        kinds.map((kind) => ({
          start: kind.kind,
          'first update ms (median, range)': spread(kind.firstUpdateMs),
          'idle RSS MB': spread(kind.idleRssMb),
        })),
      ),
      '',
    );
    const idle = startup.data.idle as { system: string; readyMs: { median: number; min?: number; max?: number; runs?: number }; rssMb: { median: number; min?: number; max?: number; runs?: number } }[] | undefined;
    if (idle?.length) {
      out.push(
        'Ready (polling: spawn → first `getUpdates`; sandbox: spawn → its page answering) and RSS 3 s later:',
        '',
        formatMarkdownTable(
          columnsOf(['system', 'ready ms (median, range)', 'RSS MB 3 s after'], ['ready ms (median, range)', 'RSS MB 3 s after']),
          idle.map((row) => ({ system: row.system, 'ready ms (median, range)': spread(row.readyMs), 'RSS MB 3 s after': spread(row.rssMb) })),
        ),
        '',
      );
    }
    out.push(...loadedNote(startup));
  }
  if (integration) {
    type Spread = { median: number; min: number; max: number; runs: number };
    const routes = integration.data.routes as { route: string; medianRequestsPerSecond: number; medianP50Ms: number; medianP99Ms: number; requestsPerSecond?: Spread; p50Ms?: Spread; p99Ms?: Spread }[];
    const fanout = integration.data.fanout as { orders: number; endpoints: number; deliveries: number; lastDeliveryAfterMs: number; deliveriesPerSecond: number };
    out.push('#### Integration API and webhook fan-out', '', origin(integration), '');
    out.push(
      formatMarkdownTable(
        columnsOf(['route (a page of 20 orders, 16 clients)', 'req/s (median, range)', 'p50 ms', 'p99 ms'], ['req/s (median, range)', 'p50 ms', 'p99 ms']),
        routes.map((route) => ({
          'route (a page of 20 orders, 16 clients)': `\`${route.route}\``,
          'req/s (median, range)': route.requestsPerSecond ? spread(route.requestsPerSecond) : formatNumber(route.medianRequestsPerSecond),
          'p50 ms': route.p50Ms ? spread(route.p50Ms, (value) => formatNumber(value, 1)) : formatNumber(route.medianP50Ms, 1),
          'p99 ms': route.p99Ms ? spread(route.p99Ms, (value) => formatNumber(value, 1)) : formatNumber(route.medianP99Ms, 1),
        })),
      ),
      '',
      `Webhook fan-out (1 run): ${formatNumber(fanout.orders)} orders moved, ${formatNumber(fanout.deliveries)} signed deliveries to ${fanout.endpoints} endpoints in ${formatNumber(fanout.lastDeliveryAfterMs)} ms: ${formatNumber(fanout.deliveriesPerSecond)} deliveries/s.`,
      '',
      ...loadedNote(integration),
    );
  }
  return out.join('\n');
}

if (import.meta.main) {
  const latest = JSON.parse(readFileSync(path.join(RESULTS_DIR, 'latest.json'), 'utf8')) as LatestResults;
  print(renderReadmeTables(latest));
}
