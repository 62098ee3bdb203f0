// Prints the README's Performance figures as Markdown from bench/results/latest.json, so
// the README is updated from a run, never retyped: `npx node bench/lib/readme-tables.ts`.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { machineLine } from './machine.ts';
import { RESULTS_DIR, type LatestResults, type ResultEnvelope } from './results.ts';
import { formatMarkdownTable, formatNumber, print, type Column } from './table.ts';

type Row = Record<string, string>;
const columnsOf = (headers: string[], numeric: string[] = []): Column<Row>[] => headers.map((header) => ({ header, numeric: numeric.includes(header), value: (row) => row[header] ?? '' }));
const ms = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '—' : formatNumber(value, value < 10 ? 1 : 0));
const origin = (envelope: ResultEnvelope<unknown>) => `\`${envelope.command}\` · ${envelope.finishedAt.slice(0, 16).replace('T', ' ')} UTC · ${machineLine(envelope.machine)}`;

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
    }[];
    out.push('#### Update throughput and handling latency', '', origin(throughput), '');
    out.push(
      formatMarkdownTable(
        columnsOf(['system', 'updates/s (saturated)', 'vs bare grammY', 'p50 ms @ 500/s', 'p99 ms @ 500/s', 'RSS start / peak MB'], ['updates/s (saturated)', 'vs bare grammY', 'p50 ms @ 500/s', 'p99 ms @ 500/s', 'RSS start / peak MB']),
        rows.map((row) => ({
          system: row.label,
          'updates/s (saturated)': `${formatNumber(row.throughput.median)}${row.throughput.runs > 1 ? ` (${formatNumber(row.throughput.min)}–${formatNumber(row.throughput.max)})` : ''}`,
          'vs bare grammY': row.shareOfGrammy === undefined ? '—' : `${formatNumber(row.shareOfGrammy * 100)} %`,
          'p50 ms @ 500/s': row.fixedRate ? ms(row.fixedRate.latency.p50Ms) : '—',
          'p99 ms @ 500/s': row.fixedRate
            ? `${ms(row.fixedRate.p99MedianMs ?? row.fixedRate.latency.p99Ms)}${(row.fixedRate.p99PerRoundMs ?? []).length > 1 ? ` [${(row.fixedRate.p99PerRoundMs ?? []).map((value) => ms(value)).join(', ')}]` : ''}${row.fixedRate.achievedPerSecond < 495 ? `, ${formatNumber(row.fixedRate.achievedPerSecond)}/s achieved` : ''}`
            : '—',
          'RSS start / peak MB': `${formatNumber(row.startRssMb)} / ${formatNumber(row.peakRssMb)}`,
        })),
      ),
      '',
    );
  }

  if (webhook) {
    const phases = webhook.data.phases as { name: string; answeredPerSecond: number; okPerSecond: number; latency: { p50Ms: number; p95Ms: number; p99Ms: number }; statusCounts: Record<string, number> }[];
    const wrk = webhook.data.wrk as { requestsPerSecond: number; p50Ms: number; p99Ms: number; connections: number } | null;
    out.push('#### Webhook route (Fastify, secret check, Lavka on SQLite)', '', origin(webhook), '');
    const rows: Row[] = phases.map((phase) => ({
      'offered load': phase.name,
      'answered/s': formatNumber(phase.answeredPerSecond),
      'p50 ms': ms(phase.latency.p50Ms),
      'p95 ms': ms(phase.latency.p95Ms),
      'p99 ms': ms(phase.latency.p99Ms),
      statuses: Object.entries(phase.statusCounts).map(([status, count]) => `${status}×${count}`).join(' '),
    }));
    if (wrk) rows.push({ 'offered load': `wrk, ${wrk.connections} connections (closed loop)`, 'answered/s': formatNumber(wrk.requestsPerSecond), 'p50 ms': ms(wrk.p50Ms), 'p95 ms': '—', 'p99 ms': ms(wrk.p99Ms), statuses: '' });
    out.push(formatMarkdownTable(columnsOf(['offered load', 'answered/s', 'p50 ms', 'p95 ms', 'p99 ms', 'statuses'], ['answered/s', 'p50 ms', 'p95 ms', 'p99 ms']), rows), '');
  }

  if (broadcast) {
    const results = broadcast.data.results as { scenario: string; recipients: number; achievedPerSecond: number; shareOfLimit: number; tooManyRequests: number; duplicates: number; losses: number; senderPeakRssMb: number }[];
    out.push('#### Broadcast (from bench/broadcast.ts)', '', origin(broadcast), '');
    out.push(
      formatMarkdownTable(
        columnsOf(['scenario', 'recipients', 'msg/s', 'share of limit', '429s', 'duplicates', 'losses', 'sender peak RSS MB'], ['recipients', 'msg/s', 'share of limit', '429s', 'duplicates', 'losses', 'sender peak RSS MB']),
        results.map((result) => ({
          scenario: result.scenario,
          recipients: formatNumber(result.recipients),
          'msg/s': formatNumber(result.achievedPerSecond, 1),
          'share of limit': `${formatNumber(result.shareOfLimit * 100)} %`,
          '429s': String(result.tooManyRequests),
          duplicates: String(result.duplicates),
          losses: String(result.losses),
          'sender peak RSS MB': formatNumber(result.senderPeakRssMb),
        })),
      ),
      '',
    );
  }

  if (scale) {
    const sizes = scale.data.sizes as { users: number; orders: number; ledgerRows: number };
    const comparison = scale.data.comparison as { dialect: string; data: string; updatesPerSecond: number; rounds?: number[]; p99Ms: number; ratio: number | null }[];
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
          'updates/s (saturated)': `${formatNumber(row.updatesPerSecond)}${(row.rounds ?? []).length > 1 ? ` (${(row.rounds ?? []).map((value) => formatNumber(value)).join(', ')})` : ''}`,
          'seeded / empty': row.ratio === null ? '' : `${formatNumber(row.ratio * 100)} %`,
          'p99 ms @ 500/s': ms(row.p99Ms),
        })),
      ),
      '',
      `Full scans of tables over 10 000 rows on the hot path: ${scale.data.noFullScans ? 'none' : 'some — see the benchmark output'}.`,
      '',
    );
  }

  if (startup) {
    const kinds = startup.data.kinds as { kind: string; firstUpdateMs: { median: number; min: number; max: number }; idleRssMb: { median: number } }[];
    out.push('#### Start-up (spawn `node src/main.ts` → first update answered)', '', origin(startup), '');
    out.push(
      formatMarkdownTable(
        columnsOf(['start', 'first update ms (median, range)', 'idle RSS MB'], ['first update ms (median, range)', 'idle RSS MB']),
        kinds.map((kind) => ({
          start: kind.kind,
          'first update ms (median, range)': `${formatNumber(kind.firstUpdateMs.median)} (${formatNumber(kind.firstUpdateMs.min)}–${formatNumber(kind.firstUpdateMs.max)})`,
          'idle RSS MB': formatNumber(kind.idleRssMb.median),
        })),
      ),
      '',
    );
  }
  if (integration) {
    const routes = integration.data.routes as { route: string; medianRequestsPerSecond: number; medianP50Ms: number; medianP99Ms: number }[];
    const fanout = integration.data.fanout as { orders: number; endpoints: number; deliveries: number; lastDeliveryAfterMs: number; deliveriesPerSecond: number };
    out.push('#### Integration API and webhook fan-out', '', origin(integration), '');
    out.push(
      formatMarkdownTable(
        columnsOf(['route (a page of 20 orders, 16 clients)', 'req/s (median)', 'p50 ms', 'p99 ms'], ['req/s (median)', 'p50 ms', 'p99 ms']),
        routes.map((route) => ({
          'route (a page of 20 orders, 16 clients)': `\`${route.route}\``,
          'req/s (median)': formatNumber(route.medianRequestsPerSecond),
          'p50 ms': formatNumber(route.medianP50Ms, 1),
          'p99 ms': formatNumber(route.medianP99Ms, 1),
        })),
      ),
      '',
      `Webhook fan-out: ${formatNumber(fanout.orders)} orders moved, ${formatNumber(fanout.deliveries)} signed deliveries to ${fanout.endpoints} endpoints in ${formatNumber(fanout.lastDeliveryAfterMs)} ms: ${formatNumber(fanout.deliveriesPerSecond)} deliveries/s.`,
      '',
    );
  }
  return out.join('\n');
}

if (import.meta.main) {
  const latest = JSON.parse(readFileSync(path.join(RESULTS_DIR, 'latest.json'), 'utf8')) as LatestResults;
  print(renderReadmeTables(latest));
}
