// Helm: the pinned binary, and the chart rendered by `helm template` into objects.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './kube-objects.js';
import { chartDir, repoRoot, toolForTests } from './support.js';

export const namespace = 'railgraph';
export const kubeVersion = '1.30.0';

/** The pinned Helm that `npm run tools` builds into .tools/bin, else one on PATH. */
export function helmForTests(): string | null {
  return toolForTests('helm', '`npm run tools` builds the pinned Helm into .tools/bin', [
    path.join(repoRoot, '.tools', 'bin', 'helm'),
  ]);
}

/** Runs helm; a non-zero exit throws with everything it printed. */
export function runHelm(helm: string, args: readonly string[]): string {
  try {
    return execFileSync(helm, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`helm ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
}

/** `helm template` of the chart as the release "railgraph" in the namespace "railgraph". */
export function renderChart(helm: string, valuesArgs: readonly string[]): KubeObject[] {
  const output = runHelm(helm, [
    'template',
    'railgraph',
    chartDir,
    '--namespace',
    namespace,
    '--kube-version',
    kubeVersion,
    ...valuesArgs,
  ]);
  const documents = parseAllDocuments(output);
  const errors = documents.flatMap((document) => document.errors.map((e) => e.message));
  if (errors.length > 0) throw new Error(`helm template printed YAML that does not parse:\n${errors.join('\n')}`);
  return documents.map((document) => document.toJS() as unknown).filter((object) => object !== null) as KubeObject[];
}
