import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { InvariantResult } from '@railgraph/invariants';
import type { ProcessFigures } from './processes.js';
import type { Failure, Tally } from './run.js';

/** What a fuzz run writes under `.data/fuzz/<time>-<seed>/`: report.json, summary.md and each failing request. */
export interface FuzzReport {
  command: string;
  seed: number;
  target: string;
  startedAt: string;
  seconds: number;
  tally: Tally;
  processes: Record<string, ProcessFigures> | undefined;
  processProblems: string[];
  invariants: InvariantResult[] | undefined;
  invariantsSkipped?: string;
  ok: boolean;
}

const MAX_FAILURE_FILES = 50;
const MAX_BODY_SHOWN = 600;

const table = (rows: Array<[string, string | number]>, head: [string, string]): string =>
  [`| ${head[0]} | ${head[1]} |`, '| --- | ---: |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');

const sorted = (counts: Record<string, number>): Array<[string, number]> =>
  Object.entries(counts).sort((a, b) => b[1] - a[1]);

/** One failing request, as text that can be pasted into curl. */
export function reproduction(failure: Failure, gatewayUrl: string): string {
  const r = failure.request;
  const headers = [
    ...(r.contentType ? [`-H 'content-type: ${r.contentType}'`] : []),
    ...Object.entries(r.headers ?? {}).map(([k, v]) => `-H '${k}: ${v.slice(0, 200)}'`),
    ...(failure.caller !== 'anonymous' && !r.replacesAuthorization
      ? [`-H "authorization: $${failure.caller.toUpperCase()}_TOKEN"`]
      : []),
  ];
  const body =
    r.body === undefined
      ? ''
      : ` --data-binary '${r.body.slice(0, MAX_BODY_SHOWN).replaceAll("'", "'\\''")}${r.body.length > MAX_BODY_SHOWN ? `…(${r.body.length} chars)` : ''}'`;
  const url = r.search ? `${gatewayUrl}?${r.search.slice(0, MAX_BODY_SHOWN)}` : gatewayUrl;
  return `curl -X ${r.method} '${url}' ${headers.join(' ')}${body}`;
}

export function summaryMarkdown(report: FuzzReport, gatewayUrl: string): string {
  const t = report.tally;
  const lines = [
    `# Fuzz run ${report.ok ? 'passed' : 'FAILED'}`,
    '',
    `- command: \`${report.command}\``,
    `- seed: ${report.seed}; target: ${report.target}; started ${report.startedAt}; ${report.seconds} s`,
    `- requests: ${t.sent} (${Math.round(t.sent / Math.max(1, report.seconds))}/s); clean answers (data, no errors): ${t.clean}`,
    `- HTTP 5xx: ${t.http5xx}; INTERNAL_SERVER_ERROR: ${t.internalErrors}; failures: ${t.failures.length}`,
    '',
    '## Requests by kind',
    table(sorted(t.byKind), ['kind', 'sent']),
    '',
    '## Requests by caller',
    table(sorted(t.byCaller), ['caller', 'sent']),
    '',
    '## HTTP statuses',
    table(sorted(t.statuses), ['status', 'answers']),
    '',
    '## Error codes',
    table(sorted(t.codes), ['code', 'errors']),
    '',
  ];
  if (report.processes) {
    lines.push(
      '## Processes (RSS, MiB)',
      '| process | pid | start | max | end | bound |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...Object.entries(report.processes).map(
        ([name, p]) => `| ${name} | ${p.pid} | ${p.startRssMiB} | ${p.maxRssMiB} | ${p.lastRssMiB} | ${p.limitMiB} |`,
      ),
      '',
    );
  }
  lines.push(
    '## Process checks',
    ...(report.processProblems.length > 0
      ? report.processProblems.map((p) => `- ${p}`)
      : ['- every process kept its pid and stayed within its RSS bound']),
    '',
  );
  lines.push('## Invariants (docs/design.md §5)');
  if (report.invariants) {
    for (const r of report.invariants)
      lines.push(
        `- ${r.invariant} ${r.ok ? 'ok' : 'BROKEN'}: ${r.title} (${r.checked})`,
        ...r.violations.map((v) => `  - ${v}`),
      );
  } else lines.push(`- skipped: ${report.invariantsSkipped ?? 'no store to read'}`);
  lines.push('');
  if (Object.keys(t.notes).length > 0) {
    lines.push(
      '## Notes (within the contract)',
      ...sorted(t.notes)
        .slice(0, 40)
        .map(([n, c]) => `- ${c} × ${n}`),
      '',
    );
  }
  if (t.failures.length > 0) {
    lines.push('## Failures', '');
    for (const f of t.failures.slice(0, 20)) {
      lines.push(
        `### ${f.caseId} as ${f.caller}: ${f.kind}${f.detail ? ` (${f.detail})` : ''}`,
        '',
        `${f.problem} (HTTP ${f.status}; codes ${f.codes.join(', ') || 'none'})`,
        '',
        '```sh',
        reproduction(f, gatewayUrl),
        '```',
        '',
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function writeFuzzReport(out: string, report: FuzzReport, gatewayUrl: string): Promise<void> {
  await mkdir(out, { recursive: true });
  // The report keeps failures' requests short; each one's full request is in failures/.
  const short = {
    ...report,
    tally: {
      ...report.tally,
      failures: report.tally.failures.map((f) => ({
        ...f,
        request: { ...f.request, body: f.request.body?.slice(0, 2_000) },
      })),
    },
  };
  await writeFile(path.join(out, 'report.json'), `${JSON.stringify(short, null, 2)}\n`);
  await writeFile(path.join(out, 'summary.md'), summaryMarkdown(report, gatewayUrl));
  if (report.tally.failures.length > 0) {
    await mkdir(path.join(out, 'failures'), { recursive: true });
    for (const [i, f] of report.tally.failures.slice(0, MAX_FAILURE_FILES).entries()) {
      await writeFile(path.join(out, 'failures', `${i + 1}.json`), `${JSON.stringify(f, null, 2)}\n`);
    }
  }
}
