// Lays out one service's runtime tree in <app dir>, after `npm ci --omit=dev --workspace`
// installed its dependencies there: for each workspace the install linked (the service and
// the packages/* it uses) the built dist/, package.json and the files read at run time
// (schema.graphql, supergraph.graphql), the Prisma migrations, the web app's trusted-documents
// manifest for the gateway, and main.mjs, the entry the image runs (the distroless runtime has
// no shell to pick it from a build argument).
// Usage: node assemble.mjs <workspace dir, e.g. subgraphs/tickets> <built repo> <app dir>
import { cpSync, existsSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [workspace, repoDir, appDir] = process.argv.slice(2);
if (!workspace || !repoDir || !appDir) {
  process.stderr.write('usage: assemble.mjs <workspace> <built repo> <app dir>\n');
  process.exit(2);
}
const runtimeFiles = ['dist', 'package.json', 'schema.graphql', 'supergraph.graphql'];

const linked = new Set();
const scopeDir = path.join(appDir, 'node_modules', '@railgraph');
for (const name of existsSync(scopeDir) ? readdirSync(scopeDir) : []) {
  const target = path.relative(appDir, path.resolve(scopeDir, readlinkSync(path.join(scopeDir, name))));
  linked.add(target);
}
if (!linked.has(workspace)) throw new Error(`${workspace} is not among the installed workspaces`);

// The install left every workspace's package.json; keep only the linked ones.
for (const group of ['packages', 'subgraphs', 'gateway', 'web']) {
  const dir = path.join(appDir, group);
  if (!existsSync(dir)) continue;
  if (group === 'gateway' || group === 'web') {
    if (!linked.has(group)) rmSync(dir, { recursive: true, force: true });
    continue;
  }
  for (const name of readdirSync(dir)) {
    if (!linked.has(`${group}/${name}`)) rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

for (const target of linked) {
  for (const file of runtimeFiles) {
    const from = path.join(repoDir, target, file);
    if (!existsSync(from)) continue;
    cpSync(from, path.join(appDir, target, file), {
      recursive: true,
      filter: (source) => !source.endsWith('.d.ts') && !source.endsWith('.d.ts.map'),
    });
  }
}

// The gateway resolves the web app's trusted documents (design §11) and needs them in
// production: the manifest of the same build goes where the gateway reads it by default
// (GATEWAY_TRUSTED_DOCUMENTS), so an image's gateway and web app always agree.
if (workspace === 'gateway') {
  const manifest = path.join(repoDir, 'web', 'dist', 'trusted-documents.json');
  if (!existsSync(manifest)) throw new Error('web/dist/trusted-documents.json is missing: build the web app first');
  cpSync(manifest, path.join(appDir, 'web', 'dist', 'trusted-documents.json'));
}

const prismaDir = path.join(repoDir, 'prisma');
for (const service of existsSync(prismaDir) ? readdirSync(prismaDir) : []) {
  const migrations = path.join(prismaDir, service, 'migrations');
  if (existsSync(migrations))
    cpSync(migrations, path.join(appDir, 'prisma', service, 'migrations'), { recursive: true });
}

writeFileSync(path.join(appDir, 'main.mjs'), `import './${workspace}/dist/index.js';\n`);
process.stdout.write(`assembled ${workspace} with ${[...linked].sort().join(', ')}\n`);
