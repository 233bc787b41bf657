// `npm run compose`: writes gateway/supergraph.graphql from the subgraph schemas.
// `--check` exits 1 when the committed file differs from a fresh composition.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeSupergraph, supergraphFile } from './composition.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const check = process.argv.includes('--check');
const outcome = await composeSupergraph(repoRoot);
for (const hint of outcome.hints) process.stderr.write(`hint ${hint}\n`);
if (!outcome.supergraphSdl) {
  for (const error of outcome.errors) process.stderr.write(`composition error: ${error}\n`);
  process.exit(1);
}
const file = supergraphFile(repoRoot);
if (check) {
  const committed = await readFile(file, 'utf8').catch(() => '');
  if (committed !== outcome.supergraphSdl) {
    process.stderr.write(`${path.relative(repoRoot, file)} is stale: run \`npm run compose\` and commit it\n`);
    process.exit(1);
  }
  process.stdout.write('supergraph is up to date\n');
} else {
  await writeFile(file, outcome.supergraphSdl);
  process.stdout.write(`wrote ${path.relative(repoRoot, file)}\n`);
}
