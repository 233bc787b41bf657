import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const chartDir = path.join(repoRoot, 'charts', 'railgraph');

/**
 * A command-line tool an offline check needs (promtool, helm). Present: its path, the first
 * executable of `candidates` (e.g. a pinned build under .tools/bin) or else the one on PATH.
 * Absent: null with a message saying why the check is skipped, or a failure under
 * REQUIRE_REAL_STORES=1 (CI), where .ci/run installs it, so a missing tool never passes as a
 * skipped check.
 */
export function toolForTests(name: string, installHint: string, candidates: readonly string[] = []): string | null {
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there: the next candidate, then PATH
    }
  }
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    const message = `${name} is not installed (${installHint})`;
    const required = process.env['REQUIRE_REAL_STORES'] === '1' || process.env['REQUIRE_REAL_STORES'] === 'true';
    if (required) throw new Error(`${message} and REQUIRE_REAL_STORES=1: the offline chart checks must run`);
    process.stderr.write(`${message}: skipping the checks that need it\n`);
    return null;
  }
}

export function readYaml<T = unknown>(file: string): T {
  return parseYaml(readFileSync(file, 'utf8')) as T;
}

export function readJson<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Files under `dir` (relative to the repository) whose names match, skipping `skip` folders. */
export function filesUnder(dir: string, match: RegExp, skip: readonly string[] = []): string[] {
  const root = path.join(repoRoot, dir);
  const found: string[] = [];
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const file = path.join(current, name);
      if (statSync(file).isDirectory()) {
        if (!skip.includes(name) && name !== 'node_modules') walk(file);
      } else if (match.test(name)) {
        found.push(file);
      }
    }
  };
  walk(root);
  return found.sort();
}

type Values = Record<string, unknown>;
const isMap = (value: unknown): value is Values => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Helm's merge of a values file over the chart's values: maps merge, the rest replaces, null removes. */
export function mergeValues(base: Values, override: Values): Values {
  const merged: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete merged[key];
    else if (isMap(value) && isMap(merged[key])) merged[key] = mergeValues(merged[key], value);
    else merged[key] = value;
  }
  return merged;
}
