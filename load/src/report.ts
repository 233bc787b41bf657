import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { InvariantResult } from '@railgraph/invariants';
import type { FaultResult } from './faults.js';

/** One operation's line of Locust's `stats_stats.csv`. */
export interface OperationStats {
  name: string;
  requests: number;
  failures: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface Threshold {
  threshold: string;
  measured: number;
  ok: boolean;
  timing: boolean;
}

export interface Outcomes {
  operations: Record<string, Record<string, number>>;
  runClasses: Array<{ runId: string; seatClass: string }>;
  confirmedBookings: number;
  firstConfirmedAt: number | null;
  lastConfirmedAt: number | null;
  /** Every answer: when it ended (s), its latency (ms), the operation, its outcome. */
  answers: Array<[number, number, string, string]>;
}

/** Parses Locust's stats CSV (header line, one line per request name, then `Aggregated`). */
export function parseStatsCsv(text: string): OperationStats[] {
  const [header, ...lines] = text.trim().split('\n');
  if (!header) return [];
  const columns = header.split(',');
  const at = (row: string[], column: string) => Number(row[columns.indexOf(column)] ?? 'NaN');
  return lines
    .map((line) => line.split(','))
    .map((row) => ({
      name: row[columns.indexOf('Name')] ?? '',
      requests: at(row, 'Request Count'),
      failures: at(row, 'Failure Count'),
      perSecond: at(row, 'Requests/s'),
      p50: at(row, '50%'),
      p95: at(row, '95%'),
      p99: at(row, '99%'),
      max: at(row, 'Max Response Time'),
    }));
}

export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** What one scenario of a load run measured. */
export interface ScenarioReport {
  scenario: string;
  users: number;
  duration: string;
  seconds: number;
  locustExitCode: number;
  operations: OperationStats[];
  thresholds: Threshold[];
  outcomes: Outcomes | undefined;
  rush: unknown;
  /** Confirmed bookings per second over the run (first to last confirmation). */
  confirmedPerSecond: number | undefined;
  /** `faults` only: each fault and what its window saw. */
  faults?: FaultResult[];
}

export interface LoadReport {
  command: string;
  stores: string;
  startedAt: string;
  scenarios: ScenarioReport[];
  invariants: InvariantResult[] | undefined;
  /** Why the invariants were not checked, when they were not. */
  invariantsSkipped: string | undefined;
  ok: boolean;
}

const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;

function renderScenario(report: ScenarioReport): string[] {
  const lines = [
    `## ${report.scenario}`,
    '',
    `${report.users} users for up to ${report.duration} (ran ${report.seconds} s); Locust exited ${report.locustExitCode}.` +
      (report.confirmedPerSecond !== undefined
        ? ` Confirmed bookings: ${report.confirmedPerSecond.toFixed(1)}/s.`
        : ''),
    '',
    row(['operation', 'requests', 'failures', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...report.operations.map((o) =>
      row([o.name, o.requests, o.failures, o.perSecond.toFixed(1), o.p50, o.p95, o.p99, Math.round(o.max)]),
    ),
    '',
  ];
  if (report.outcomes) {
    lines.push('Answers:', '');
    for (const [name, counts] of Object.entries(report.outcomes.operations)) {
      lines.push(
        `- ${name}: ${Object.entries(counts)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}`,
      );
    }
    lines.push('');
  }
  lines.push('Thresholds (load/slo.json):', '');
  for (const t of report.thresholds)
    lines.push(`- ${t.ok ? 'ok' : t.timing ? 'slow' : 'FAIL'}: ${t.threshold} (${t.measured})`);
  if (report.rush) lines.push('', 'Rush verdict:', '', '```json', JSON.stringify(report.rush, null, 2), '```');
  if (report.faults) {
    lines.push(
      '',
      'Faults:',
      '',
      row(['fault', 'at s', 'down s', 'answers in its window', 'errors', 'recovered after s', 'untyped']),
    );
    lines.push(row(['---', '---:', '---:', '---:', '---', '---:', '---:']));
    for (const f of report.faults) {
      const errors =
        Object.entries(f.errors)
          .map(([code, n]) => `${code} ${n}`)
          .join(', ') || 'none';
      lines.push(
        row([
          `${f.fault}${f.done ? '' : ' (NOT done)'}`,
          f.atSeconds,
          f.downSeconds ?? '',
          f.answers,
          errors,
          f.recoveredAfterSeconds,
          f.untyped,
        ]),
      );
    }
  }
  lines.push('');
  return lines;
}

export function renderMarkdown(report: LoadReport): string {
  const lines = [
    `# Load run: ${report.scenarios.map((s) => s.scenario).join(', ')}`,
    '',
    `\`${report.command}\` on ${report.stores} stores, started ${report.startedAt}: **${report.ok ? 'passed' : 'FAILED'}**`,
    '',
    ...report.scenarios.flatMap(renderScenario),
    '## Invariants (docs/design.md §5)',
    '',
  ];
  if (report.invariants) {
    for (const r of report.invariants) {
      lines.push(`- ${r.ok ? 'ok' : 'BROKEN'} ${r.invariant}. ${r.title}: ${r.checked}`);
      for (const v of r.violations) lines.push(`  - ${v}`);
    }
  } else {
    lines.push(`- not checked: ${report.invariantsSkipped ?? 'unknown'}`);
  }
  lines.push(
    '',
    'Per scenario folder: timeline.svg (rate and latency over the run), report.html (Locust), stats_*.csv, stats.json, outcomes.json, thresholds.json, locust.log.',
  );
  return `${lines.join('\n')}\n`;
}

export async function writeReport(out: string, report: LoadReport): Promise<void> {
  await writeFile(path.join(out, 'summary.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(path.join(out, 'report.md'), renderMarkdown(report));
}
