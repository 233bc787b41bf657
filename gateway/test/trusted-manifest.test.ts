import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLError } from 'graphql';
import {
  defaultTrustedDocumentsFile,
  loadTrustedDocuments,
  trustedDocumentsOf,
  TrustedDocumentsError,
} from '../src/trusted-documents.js';
import { admitOperation, loadOperationAdmission } from '../src/trusted-operations.js';
import { readGatewayEnv } from '../src/env.js';
import { createLogger } from '@railgraph/service-kit';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const STATIONS = 'query Stations { stations { code } }';
const manifestJson = (entries: Record<string, string>) => JSON.stringify(entries);
const documents = trustedDocumentsOf(manifestJson({ [`sha256:${sha256(STATIONS)}`]: STATIONS }));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'railgraph-manifest-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the trusted-documents manifest', () => {
  it('loads the web build’s manifest with the names of the app’s operations', async () => {
    const built = await loadTrustedDocuments(defaultTrustedDocumentsFile, { required: true });
    expect(built?.size).toBeGreaterThan(10);
    expect([...(built?.operationNames ?? [])]).toEqual(expect.arrayContaining(['Stations', 'BookJourney', 'LogIn']));
  });

  it('resolves a hash, with or without the "sha256:" prefix in the file, to its text', () => {
    expect(documents.textOf(sha256(STATIONS))).toBe(STATIONS);
    const bare = trustedDocumentsOf(manifestJson({ [sha256(STATIONS)]: STATIONS }));
    expect(bare.textOf(sha256(STATIONS))).toBe(STATIONS);
    expect(documents.textOf(sha256('query Other { stations { code } }'))).toBeUndefined();
  });

  it.each([
    ['not JSON', '{ nope', /is not JSON/],
    ['an array', '[]', /is not an object/],
    ['a key that is no hash', manifestJson({ Stations: STATIONS }), /is not "sha256:" and 64 hex digits/],
    ['an entry that is not a string', JSON.stringify({ [`sha256:${sha256(STATIONS)}`]: 1 }), /is not a string/],
    ['a hash that is not its text’s', manifestJson({ [`sha256:${'0'.repeat(64)}`]: STATIONS }), /not the hash/],
    ['a text that does not parse', manifestJson({ [sha256('query {')]: 'query {' }), /does not parse/],
    ['an anonymous operation', manifestJson({ [sha256('{ stations { code } }')]: '{ stations { code } }' }), /anon/],
  ])('refuses a manifest with %s', (_what, json, problem) => {
    expect(() => trustedDocumentsOf(json, 'm.json')).toThrow(TrustedDocumentsError);
    expect(() => trustedDocumentsOf(json, 'm.json')).toThrow(problem);
  });

  it('is read from GATEWAY_TRUSTED_DOCUMENTS, by default the web build’s', () => {
    expect(readGatewayEnv({}).trustedDocumentsFile).toBe(defaultTrustedDocumentsFile);
    expect(defaultTrustedDocumentsFile).toMatch(/web\/dist\/trusted-documents\.json$/);
    expect(readGatewayEnv({ GATEWAY_TRUSTED_DOCUMENTS: '/etc/railgraph/docs.json' }).trustedDocumentsFile).toBe(
      '/etc/railgraph/docs.json',
    );
  });

  it('keeps a production gateway from starting without it', async () => {
    const log = createLogger('gateway', 'silent');
    const trustedDocumentsFile = path.join(dir, 'absent.json');
    await expect(loadOperationAdmission({ nodeEnv: 'production', trustedDocumentsFile }, log)).rejects.toThrow(
      TrustedDocumentsError,
    );
    const development = await loadOperationAdmission({ nodeEnv: 'development', trustedDocumentsFile }, log);
    expect(development.operationLabel(undefined, 'Stations')).toBe('other');
  });

  it('is required where production needs it, and optional elsewhere', async () => {
    const missing = path.join(dir, 'missing.json');
    await expect(loadTrustedDocuments(missing, { required: true })).rejects.toThrow(/cannot be read/);
    await expect(loadTrustedDocuments(missing, { required: false })).resolves.toBeNull();
    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, '{ nope');
    await expect(loadTrustedDocuments(broken, { required: false })).rejects.toThrow(/is not JSON/);
  });
});

/** The code of the error `admit` throws, or `admitted`. */
function outcome(request: { text?: string; hash?: string }, partner: boolean, production: boolean): string {
  try {
    admitOperation({ text: request.text, hash: request.hash }, partner, documents, production);
    return 'admitted';
  } catch (error) {
    return String((error as GraphQLError).extensions['code']);
  }
}

describe('who may send which operation', () => {
  const trusted = { hash: sha256(STATIONS) };
  const freeForm = { text: 'query Mine { stations { name } }' };
  const unknownId = { hash: sha256(freeForm.text) };
  const registration = { ...freeForm, hash: sha256(freeForm.text) };
  const wrongHash = { text: freeForm.text, hash: sha256(STATIONS) };

  it('runs a trusted document by id for anyone, anywhere', () => {
    for (const partner of [false, true]) {
      for (const production of [false, true]) expect(outcome(trusted, partner, production)).toBe('admitted');
    }
    expect(outcome({ ...trusted, text: STATIONS }, false, true)).toBe('admitted');
  });

  it('refuses anything else from a non-partner in production, with a typed error', () => {
    expect(outcome(freeForm, false, true)).toBe('OPERATION_NOT_TRUSTED');
    expect(outcome(registration, false, true)).toBe('OPERATION_NOT_TRUSTED');
    expect(outcome(unknownId, false, true)).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('lets a partner in production, and anyone in development, send free-form text and APQ', () => {
    for (const [partner, production] of [
      [true, true],
      [false, false],
    ] as const) {
      expect(outcome(freeForm, partner, production)).toBe('admitted');
      expect(outcome(registration, partner, production)).toBe('admitted');
      expect(outcome(unknownId, partner, production)).toBe('admitted'); // Apollo's APQ cache answers it
    }
  });

  it('refuses a hash that is not the text’s, from anyone', () => {
    for (const partner of [false, true]) {
      for (const production of [false, true]) expect(outcome(wrongHash, partner, production)).toBe('BAD_REQUEST');
    }
  });
});
