import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, supergraphFile } from '../src/composition.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('supergraph', () => {
  it('composes from the subgraph schemas without errors', async () => {
    const outcome = await composeSupergraph(repoRoot);
    expect(outcome.errors).toEqual([]);
    expect(outcome.supergraphSdl).toBeDefined();
  });

  it('is committed exactly as composition produces it (run `npm run compose` when this fails)', async () => {
    const outcome = await composeSupergraph(repoRoot);
    const committed = await readFile(supergraphFile(repoRoot), 'utf8');
    expect(committed).toBe(outcome.supergraphSdl);
  });

  it('hides internal inventory operations from the public API', async () => {
    const sdl = (await composeSupergraph(repoRoot)).supergraphSdl ?? '';
    expect(sdl).toMatch(/holdSeats\([^)]*\): Hold![^\n]*@inaccessible/);
    expect(sdl).toMatch(/confirmHold\([^)]*\)[^\n]*@inaccessible/);
    expect(sdl).toMatch(/releaseHold\([^)]*\)[^\n]*@inaccessible/);
  });
});
