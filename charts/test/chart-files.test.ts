import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { chartDir, filesUnder, readYaml, repoRoot } from './support.js';

// Helm is not available offline: these checks catch what `helm lint` would in CI, as far as
// they can without rendering (templates are checked in CI by helm template + kubeconform).
const templates = filesUnder('charts/railgraph/templates', /\.(yaml|tpl|txt)$/).map((file) => ({
  file,
  text: readFileSync(file, 'utf8'),
}));
const plainYaml = [...filesUnder('charts', /\.ya?ml$/, ['templates']), ...filesUnder('.github', /\.ya?ml$/)];

describe('YAML and JSON that is not a template', () => {
  it.each(plainYaml.map((file) => [path.relative(repoRoot, file)]))('%s parses', (file) => {
    const documents = parseAllDocuments(readFileSync(path.join(repoRoot, file), 'utf8'));
    for (const document of documents) expect(document.errors.map((e) => e.message)).toEqual([]);
  });

  it('finds the chart, its values files, the rules and the workflows', () => {
    const names = plainYaml.map((file) => path.relative(repoRoot, file));
    expect(names).toEqual(
      expect.arrayContaining([
        'charts/railgraph/Chart.yaml',
        'charts/railgraph/values.yaml',
        'charts/railgraph/values-dev.yaml',
        'charts/railgraph/values-production.yaml',
        'charts/railgraph/files/prometheus-rules.yaml',
        '.github/workflows/ci.yml',
      ]),
    );
  });
});

describe('chart templates', () => {
  const defined = new Set(templates.flatMap(({ text }) => [...text.matchAll(/define "([^"]+)"/g)].map((m) => m[1]!)));
  const values = readYaml<Record<string, unknown>>(path.join(chartDir, 'values.yaml'));

  it('include only helpers that _helpers.tpl defines', () => {
    const missing = templates.flatMap(({ file, text }) =>
      [...text.matchAll(/include "([^"]+)"/g)]
        .map((m) => m[1]!)
        .filter((name) => !defined.has(name))
        .map((name) => `${path.basename(file)}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('read only values that values.yaml declares (sub-chart values aside)', () => {
    const has = (dotted: string) => {
      let node: unknown = values;
      for (const key of dotted.split('.')) {
        if (typeof node !== 'object' || node === null || !(key in node)) return false;
        node = (node as Record<string, unknown>)[key];
      }
      return true;
    };
    const subChart = /^(postgresql|redis)\.(auth\.existingSecret|fullnameOverride)$/;
    const missing = templates.flatMap(({ file, text }) =>
      [...text.matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)]
        .map((m) => m[1]!.replace(/\.$/, ''))
        .filter((dotted) => !has(dotted) && !subChart.test(dotted))
        .map((dotted) => `${path.basename(file)}: .Values.${dotted}`),
    );
    expect(missing).toEqual([]);
  });

  it('label every object with the app.kubernetes.io labels from _helpers.tpl', () => {
    const helpers = templates.find(({ file }) => file.endsWith('_helpers.tpl'))!.text;
    for (const label of ['name', 'instance', 'version', 'managed-by', 'component', 'part-of']) {
      expect(helpers).toContain(`app.kubernetes.io/${label}:`);
    }
    const unlabelled = templates
      .filter(({ file }) => file.endsWith('.yaml'))
      .filter(({ text }) => /^kind: /m.test(text) && !/include "railgraph\.(component)?[lL]abels"/.test(text))
      .map(({ file }) => path.basename(file));
    expect(unlabelled).toEqual([]);
  });

  it('give every container resources, probes and the read-only security context', () => {
    const deployment = templates.find(({ file }) => file.endsWith('deployment.yaml'))!.text;
    for (const part of ['resources:', 'startupProbe:', 'livenessProbe:', 'readinessProbe:', 'securityContext:']) {
      expect(deployment).toContain(part);
    }
    expect(deployment).toMatch(/readinessProbe:\s+httpGet: \{ path: \/readyz/);
    expect(deployment).toMatch(/livenessProbe:\s+httpGet: \{ path: \/healthz/);
    const job = templates.find(({ file }) => file.endsWith('migration-job.yaml'))!.text;
    expect(job).toContain('resources:');
    expect(job).toContain('containerSecurityContext');
    expect(job).toContain('pre-upgrade');
  });
});
