import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Kind, parse } from 'graphql';

/**
 * The web app's trusted documents (design §11): the manifest its build writes as
 * `web/dist/trusted-documents.json`, `{ "sha256:<hex>": "<operation text>" }`, one entry per
 * operation the app can send. The app sends only the hash; the gateway runs the text it holds.
 */
export interface TrustedDocuments {
  /** The operation text whose SHA-256 (64 lowercase hex digits) is `hash`, if the manifest lists it. */
  textOf(hash: string): string | undefined;
  /** The names of the manifest's operations: the only names the metrics label (design §9). */
  readonly operationNames: ReadonlySet<string>;
  readonly size: number;
}

/** Where the web build writes the manifest; the gateway image carries it at the same path. */
export const defaultTrustedDocumentsFile = fileURLToPath(
  new URL('../../web/dist/trusted-documents.json', import.meta.url),
);

export class TrustedDocumentsError extends Error {
  constructor(file: string, problem: string) {
    super(`Trusted documents ${file}: ${problem}`);
    this.name = 'TrustedDocumentsError';
  }
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const keyPattern = /^(?:sha256:)?([0-9a-f]{64})$/;

/** A manifest from its JSON text; every entry is checked (its hash, its parse, its name). */
export function trustedDocumentsOf(json: string, file = 'manifest'): TrustedDocuments {
  let manifest: unknown;
  try {
    manifest = JSON.parse(json);
  } catch {
    throw new TrustedDocumentsError(file, 'is not JSON');
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw new TrustedDocumentsError(file, 'is not an object of hash → operation text');
  }
  const byHash = new Map<string, string>();
  const operationNames = new Set<string>();
  for (const [key, text] of Object.entries(manifest)) {
    const hash = keyPattern.exec(key)?.[1];
    if (!hash) throw new TrustedDocumentsError(file, `${JSON.stringify(key)} is not "sha256:" and 64 hex digits`);
    if (typeof text !== 'string') throw new TrustedDocumentsError(file, `the entry ${key} is not a string`);
    if (sha256Hex(text) !== hash) throw new TrustedDocumentsError(file, `the entry ${key} is not the hash of its text`);
    const names = operationNamesOf(text);
    if (typeof names === 'string') throw new TrustedDocumentsError(file, `the entry ${key} ${names}`);
    for (const name of names) operationNames.add(name);
    byHash.set(hash, text);
  }
  return { textOf: (hash) => byHash.get(hash), operationNames, size: byHash.size };
}

/**
 * The names of a document's operations, or what is wrong with it. Each operation must be named,
 * so that the metrics can tell them apart.
 */
function operationNamesOf(text: string): string[] | string {
  let document;
  try {
    document = parse(text);
  } catch (error) {
    return `does not parse: ${(error as Error).message}`;
  }
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (operations.length === 0) return 'has no operation';
  const names = operations.map((operation) => operation.name?.value);
  return names.every((name) => name !== undefined) ? names : 'has an anonymous operation';
}

/** No trusted documents: nothing is resolved by id, and only `other` is labelled. */
export const noTrustedDocuments: TrustedDocuments = {
  textOf: () => undefined,
  operationNames: new Set(),
  size: 0,
};

/**
 * Reads the manifest at `file`. A missing file is an error where it is required (production:
 * the web app could not work); elsewhere it means no trusted documents.
 */
export async function loadTrustedDocuments(
  file: string,
  { required }: { required: boolean },
): Promise<TrustedDocuments | null> {
  let json: string;
  try {
    json = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !required) return null;
    throw new TrustedDocumentsError(file, `cannot be read (${(error as Error).message})`);
  }
  return trustedDocumentsOf(json, file);
}
