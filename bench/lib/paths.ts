// Shared by the benchmarks: where the repository is, for the processes they start (the built
// launcher and services, as `npm start` runs them) and the built web app they measure.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root; this module runs as bench/dist/lib/paths.js. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
