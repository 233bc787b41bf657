import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { chartDir, filesUnder, readYaml, repoRoot } from './support.js';

// Checks of the chart's sources. What the rendered objects must be (their schemas, labels,
// probes, security contexts, references) is checked on Helm's output by render.test.ts; these
// cover what a render does not reach: files that are not templates, and template branches the
// values files leave unrendered.
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

  it('include only helpers that _helpers.tpl defines (in every branch, rendered or not)', () => {
    const missing = templates.flatMap(({ file, text }) =>
      [...text.matchAll(/include "([^"]+)"/g)]
        .map((m) => m[1]!)
        .filter((name) => !defined.has(name))
        .map((name) => `${path.basename(file)}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('read only values that values.yaml declares (in every branch, rendered or not)', () => {
    const has = (dotted: string) => {
      let node: unknown = values;
      for (const key of dotted.split('.')) {
        if (typeof node !== 'object' || node === null || !(key in node)) return false;
        node = (node as Record<string, unknown>)[key];
      }
      return true;
    };
    const missing = templates.flatMap(({ file, text }) =>
      [...text.matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)]
        .map((m) => m[1]!.replace(/\.$/, ''))
        .filter((dotted) => !has(dotted))
        .map((dotted) => `${path.basename(file)}: .Values.${dotted}`),
    );
    expect(missing).toEqual([]);
  });
});
