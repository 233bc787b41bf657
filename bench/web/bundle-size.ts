// The web app's production bundle: bytes and gzip bytes of what the first page load needs
// (index.html, its entry script and CSS and their static imports) and of everything built.
// Run after `npm run build`:  node bench/dist/web/bundle-size.js
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from '../lib/paths.js';

const dist = path.join(repoRoot, 'web/dist');

interface Size {
  file: string;
  bytes: number;
  gzip: number;
}

const sizeOf = async (file: string): Promise<Size> => {
  const body = await readFile(path.join(dist, file));
  return { file, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length };
};

const html = await readFile(path.join(dist, 'index.html'), 'utf8');
const initial = new Set(['index.html']);
for (const [, ref] of html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)) initial.add(ref!);
// Static imports of the entry chunk load with it.
for (const file of [...initial].filter((f) => f.endsWith('.js'))) {
  const code = await readFile(path.join(dist, file), 'utf8');
  for (const [, ref] of code.matchAll(/(?:^|[;\s])import\s*(?:[^'"()]*?from\s*)?["']\.\/([^"']+\.js)["']/g))
    initial.add(`assets/${ref}`);
}
const assets = (await readdir(path.join(dist, 'assets'))).map((f) => `assets/${f}`);
const all = await Promise.all(['index.html', ...assets].map(sizeOf));
const sum = (rows: readonly Size[]) =>
  rows.reduce((t, r) => ({ bytes: t.bytes + r.bytes, gzip: t.gzip + r.gzip }), { bytes: 0, gzip: 0 });
const first = sum(all.filter((r) => initial.has(r.file)));
const total = sum(all);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
for (const row of all.sort((a, b) => b.gzip - a.gzip))
  process.stdout.write(
    `${initial.has(row.file) ? '*' : ' '} ${row.file.padEnd(44)} ${kb(row.bytes).padStart(11)}  gzip ${kb(row.gzip).padStart(10)}\n`,
  );
process.stdout.write(`first load (*): ${kb(first.bytes)}, gzip ${kb(first.gzip)}\n`);
process.stdout.write(`everything:     ${kb(total.bytes)}, gzip ${kb(total.gzip)}\n`);
