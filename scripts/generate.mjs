// Generates what the build needs and git does not keep: resolver types from each
// subgraph's schema (GraphQL Code Generator) and each database's Prisma client.
// The Prisma CLI wants a schema engine binary even though `generate` never runs it;
// none can be downloaded here, so any executable stands in (see docs/dependencies.md).
//
//   node scripts/generate.mjs                every subgraph
//   node scripts/generate.mjs tickets users  only these (what each package's `generate` runs)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const run = (cmd, args, extraEnv = {}) =>
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });

const only = process.argv.slice(2);
const chosen = (services) => (only.length === 0 ? services : services.filter((name) => only.includes(name)));

for (const service of chosen(readdirSync(path.join(root, 'subgraphs')))) {
  const config = path.join(root, 'subgraphs', service, 'codegen.ts');
  if (existsSync(config)) run(bin('graphql-codegen'), ['--config', config, '--silent']);
}

for (const service of chosen(readdirSync(path.join(root, 'prisma')))) {
  const schema = path.join(root, 'prisma', service, 'schema.prisma');
  if (!existsSync(schema)) continue;
  run(bin('prisma'), ['generate', '--schema', schema], {
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  });
}
