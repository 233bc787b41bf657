import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Slo {
  availability: { errorBudget: number };
  latency: { thresholdSeconds: number; slowBudget: number };
  operations: Record<string, { p95: number; p99: number } | string>;
}

const slo = JSON.parse(await readFile(path.join(root, 'load', 'slo.json'), 'utf8')) as Slo;
const rules = parse(
  await readFile(path.join(root, 'charts', 'railgraph', 'files', 'prometheus-rules.yaml'), 'utf8'),
) as {
  groups: Array<{
    name: string;
    rules: Array<{ record?: string; alert?: string; expr: string; labels?: Record<string, string> }>;
  }>;
};
const allRules = rules.groups.flatMap((g) => g.rules);
const operations = Object.entries(slo.operations).filter(
  (entry): entry is [string, { p95: number; p99: number }] => !entry[0].startsWith('$'),
);

/** The budgets an SLO's burn-rate alerts multiply: `14.4 * 0.001`, `> 0.001`, ... */
function budgetsOf(slo: string): Set<number> {
  const found = new Set<number>();
  for (const rule of allRules.filter((r) => r.labels?.['slo'] === slo)) {
    for (const m of rule.expr.matchAll(/\(\s*[\d.]+\s*\*\s*([\d.]+)\s*\)|>\s*([\d.]+)\s*(?:and|\)|$)/g)) {
      found.add(Number(m[1] ?? m[2]));
    }
  }
  return found;
}

describe('the service level objectives (load/slo.json) and the Prometheus alert rules', () => {
  it('burn the same availability budget', () => {
    expect(budgetsOf('availability')).toEqual(new Set([slo.availability.errorBudget]));
  });

  it('burn the same latency budget over the same threshold', () => {
    expect(budgetsOf('latency')).toEqual(new Set([slo.latency.slowBudget]));
    const slowRatios = allRules.filter((r) => r.record?.startsWith('railgraph:gateway_operation_slow:'));
    expect(slowRatios.length).toBeGreaterThan(0);
    for (const rule of slowRatios) expect(rule.expr).toContain(`le="${slo.latency.thresholdSeconds}"`);
  });

  it('keep every operation within the latency objective: p95 <= p99 <= the threshold', () => {
    expect(operations.length).toBeGreaterThan(0);
    for (const [, { p95, p99 }] of operations) {
      expect(p95).toBeGreaterThan(0);
      expect(p95).toBeLessThanOrEqual(p99);
      expect(p99).toBeLessThanOrEqual(slo.latency.thresholdSeconds * 1000);
    }
  });

  it('name exactly the operations the load scenarios send', async () => {
    const dir = path.join(root, 'load', 'locustfiles');
    const sources = await Promise.all(
      [
        ...(await readdir(dir)).map((f) => path.join(dir, f)),
        ...(await readdir(path.join(dir, 'railgraph'))).map((f) => path.join(dir, 'railgraph', f)),
      ]
        .filter((f) => f.endsWith('.py'))
        .map((f) => readFile(f, 'utf8')),
    );
    const sent = new Set(sources.flatMap((text) => [...text.matchAll(/self\.gql\(\s*"(\w+)"/g)].map((m) => m[1]!)));
    expect(sent).toEqual(new Set(operations.map(([name]) => name)));
  });
});
