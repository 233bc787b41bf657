import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../packages/service-kit/src/metrics.js';
import { chartDir, filesUnder, readJson, readYaml, repoRoot, toolForTests } from './support.js';

const rulesFile = path.join(chartDir, 'files', 'prometheus-rules.yaml');
const promtool = toolForTests('promtool', "Debian's prometheus package; .ci/run installs it");

interface RuleGroup {
  name: string;
  rules: Array<{ record?: string; alert?: string; expr: string }>;
}
const ruleGroups = readYaml<{ groups: RuleGroup[] }>(rulesFile).groups;

/** Series something outside this repository exports, and which exporter that is. */
const externalSeries: Record<string, string> = {
  up: 'Prometheus itself',
  kube_horizontalpodautoscaler_status_current_replicas: 'kube-state-metrics',
  kube_horizontalpodautoscaler_status_desired_replicas: 'kube-state-metrics',
  kube_horizontalpodautoscaler_spec_min_replicas: 'kube-state-metrics',
  kube_horizontalpodautoscaler_spec_max_replicas: 'kube-state-metrics',
  kube_pod_container_resource_requests: 'kube-state-metrics',
  kube_pod_container_resource_limits: 'kube-state-metrics',
  container_cpu_usage_seconds_total: 'the kubelet (cAdvisor)',
  container_memory_working_set_bytes: 'the kubelet (cAdvisor)',
};

const familySeries = (name: string, type: string): string[] =>
  type === 'histogram' || type === 'summary'
    ? [`${name}_bucket`, `${name}_count`, `${name}_sum`, ...(type === 'summary' ? [name] : [])]
    : [name];

/**
 * Every series the services export: prom-client's defaults and the shared histograms (read
 * from a real registry), plus each metric the code registers by name.
 */
async function exportedSeries(): Promise<Set<string>> {
  const series = new Set<string>();
  for (const metric of await createMetrics('inventory-of-names').registry.getMetricsAsJSON()) {
    for (const name of familySeries(metric.name, String(metric.type))) series.add(name);
  }
  const sources = ['packages', 'subgraphs', 'gateway'].flatMap((dir) =>
    filesUnder(dir, /\.ts$/, ['dist', 'test', '__generated__']),
  );
  const registration = /\.(counter|observedGauge)\(\s*'([a-zA-Z_:][a-zA-Z0-9_:]*)'/g;
  const direct = /new (Counter|Gauge|Histogram|Summary)(?:<[^>]*>)?\(\{\s*name:\s*'([a-zA-Z_:][a-zA-Z0-9_:]*)'/g;
  for (const file of sources) {
    const text = readFileSync(file, 'utf8');
    for (const [, , name] of text.matchAll(registration)) series.add(name!);
    for (const [, kind, name] of text.matchAll(direct)) {
      for (const each of familySeries(name!, kind!.toLowerCase())) series.add(each);
    }
  }
  for (const group of ruleGroups) for (const rule of group.rules) if (rule.record) series.add(rule.record);
  return series;
}

/** Metric names a PromQL expression selects; throws on a syntax error. */
function selectedMetrics(expr: string): string[] {
  // Grafana's variables are not PromQL; give them values the parser accepts.
  const promql = expr.replaceAll('$__rate_interval', '5m').replaceAll('$__interval', '1m');
  const names: string[] = [];
  const tree = parser.parse(promql);
  tree.iterate({
    enter(node) {
      if (node.type.isError) throw new Error(`PromQL syntax error at ${node.from} in: ${expr}`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') {
        names.push(promql.slice(node.from, node.to));
      }
    },
  });
  return names;
}

interface Dashboard {
  uid: string;
  title: string;
  panels: Array<{ id: number; title: string; targets: Array<{ expr: string }> }>;
  templating: { list: Array<{ name: string; definition?: string }> };
}
const dashboardFiles = filesUnder('charts/railgraph/dashboards', /\.json$/);
const dashboards = dashboardFiles.map((file) => ({ file, dashboard: readJson<Dashboard>(file) }));

function dashboardQueries(dashboard: Dashboard): Array<{ where: string; expr: string }> {
  const queries = dashboard.panels.flatMap((panel) =>
    panel.targets.map((target) => ({ where: `${dashboard.title} / ${panel.title}`, expr: target.expr })),
  );
  for (const variable of dashboard.templating.list) {
    const metric = variable.definition?.match(/^label_values\(([a-zA-Z_:][a-zA-Z0-9_:]*),/)?.[1];
    if (metric) queries.push({ where: `${dashboard.title} / $${variable.name}`, expr: metric });
  }
  return queries;
}

describe('PromQL names', () => {
  it('finds the metrics an expression selects, and rejects broken PromQL', () => {
    expect(
      selectedMetrics('sum by (service) (rate(http_requests_total{status=~"5.."}[$__rate_interval])) / max(up)'),
    ).toEqual(['http_requests_total', 'up']);
    expect(() => selectedMetrics('sum(rate(http_requests_total[5m])')).toThrow(/syntax error/);
  });

  it('the exported set holds the shared histograms, prom-client defaults and business counters', async () => {
    const series = await exportedSeries();
    for (const name of [
      'graphql_operation_duration_seconds_bucket',
      'http_request_duration_seconds_count',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'tickets_bookings_total',
      'inventory_sold_out_total',
      'tickets_outbox_backlog',
    ]) {
      expect(series.has(name), name).toBe(true);
    }
  });

  it('every rule queries only series that something exports', async () => {
    const series = await exportedSeries();
    const unknown = ruleGroups.flatMap((group) =>
      group.rules.flatMap((rule) =>
        selectedMetrics(rule.expr)
          .filter((name) => !series.has(name) && !(name in externalSeries))
          .map((name) => `${group.name}/${rule.alert ?? rule.record}: ${name}`),
      ),
    );
    expect(unknown).toEqual([]);
  });

  it('every dashboard panel and variable queries only series that something exports', async () => {
    const series = await exportedSeries();
    expect(dashboards.length).toBeGreaterThanOrEqual(4);
    const unknown = dashboards.flatMap(({ dashboard }) =>
      dashboardQueries(dashboard).flatMap(({ where, expr }) =>
        selectedMetrics(expr)
          .filter((name) => !series.has(name) && !(name in externalSeries))
          .map((name) => `${where}: ${name}`),
      ),
    );
    expect(unknown).toEqual([]);
  });
});

describe('Grafana dashboards', () => {
  it.each(dashboards.map(({ file, dashboard }) => [path.basename(file), dashboard] as const))(
    '%s has a uid, unique panel ids and uses the datasource variable',
    (_file, dashboard) => {
      expect(dashboard.uid).toMatch(/^railgraph-[a-z-]+$/);
      const ids = dashboard.panels.map((panel) => panel.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(dashboard.templating.list.map((variable) => variable.name)).toContain('datasource');
      for (const panel of dashboard.panels) expect(panel.targets.length, panel.title).toBeGreaterThan(0);
    },
  );

  it('the four dashboards the operators asked for exist', () => {
    expect(dashboards.map(({ dashboard }) => dashboard.uid).sort()).toEqual([
      'railgraph-autoscaling',
      'railgraph-bookings',
      'railgraph-inventory',
      'railgraph-services',
    ]);
  });
});

describe.skipIf(!promtool)('promtool', () => {
  it('checks the rule groups the PrometheusRule embeds', () => {
    const output = execFileSync(promtool!, ['check', 'rules', rulesFile], { encoding: 'utf8' });
    expect(output).toContain('SUCCESS');
  });

  it('fires the SLO, outbox, hold-reaper and target alerts on the series that should fire them', () => {
    const output = execFileSync(promtool!, ['test', 'rules', 'prometheus-rules.test.yaml'], {
      cwd: path.join(repoRoot, 'charts', 'test'),
      encoding: 'utf8',
    });
    expect(output).toContain('SUCCESS');
  });
});
