import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import manifest from './__generated__/persisted-documents.json';

const here = import.meta.dirname;

/** The app's source files (not tests, not generated code). */
function sources(dir = here): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__generated__' || entry.name === 'test' ? [] : sources(file);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

describe('the trusted-documents manifest', () => {
  it('lists every operation the app declares, each once', () => {
    const declared = sources()
      .flatMap((file) => [
        ...readFileSync(file, 'utf8').matchAll(/graphql\(`\s*(?:query|mutation|subscription) (\w+)/g),
      ])
      .map((match) => match[1])
      .sort();
    const listed = Object.values(manifest)
      .map((document) => /(?:^|\} )(?:query|mutation|subscription) (\w+)/.exec(document)?.[1])
      .sort();
    expect(declared.length).toBeGreaterThan(0);
    expect(listed).toEqual(declared);
  });

  it('declares operations only through the typed `graphql()` of the generated client', () => {
    const untyped = sources().filter((file) => /\bgql`|from 'graphql-tag'/.test(readFileSync(file, 'utf8')));
    expect(untyped).toEqual([]);
  });
});
