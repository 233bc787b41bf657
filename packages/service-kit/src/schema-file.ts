import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** Parses a schema file, e.g. `new URL('../schema.graphql', import.meta.url)`. */
export function loadSchemaFile(file: URL | string): DocumentNode {
  return parse(readFileSync(file, 'utf8'));
}
