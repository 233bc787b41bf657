import { HttpLink } from '@apollo/client';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createApolloClient, documentIdOf } from './apollo';
import { SessionStore } from './session';
import { BookingDocument, StationsDocument } from './__generated__/graphql';
import manifest from './__generated__/persisted-documents.json';

interface SentBody {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: { persistedQuery?: { version: number; sha256Hash: string } };
}

/** A client over a real HttpLink whose `fetch` records each body and answers with `answer`. */
function clientAnswering(answer: (body: SentBody) => unknown, sendTextWhenUnknown = false) {
  const sent: Array<{ body: SentBody; headers: Headers }> = [];
  const link = new HttpLink({
    uri: 'http://gateway.invalid/graphql',
    fetch: async (_url, init) => {
      const body = JSON.parse(String(init?.body)) as SentBody;
      sent.push({ body, headers: new Headers(init?.headers) });
      return new Response(JSON.stringify(answer(body)), { headers: { 'content-type': 'application/json' } });
    },
  });
  const session = new SessionStore(localStorage);
  return { client: createApolloClient('http://gateway.invalid/graphql', session, { link, sendTextWhenUnknown }), sent };
}

const manifestText = (id: string) => (manifest as Record<string, string>)[`sha256:${id}`];

describe('what the API client sends', () => {
  it('sends an operation as its trusted document’s id, without its text', async () => {
    const { client, sent } = clientAnswering(() => ({
      data: { __typename: 'Query', stations: [{ __typename: 'Station', code: 'AMS', name: 'Amsterdam Centraal' }] },
    }));
    const result = await client.query({ query: StationsDocument, variables: { search: 'ams', first: 5 } });
    expect(result.data?.stations[0]?.name).toBe('Amsterdam Centraal');
    expect(sent).toHaveLength(1);
    const body = sent[0]?.body ?? {};
    expect(body.query).toBeUndefined();
    expect(body.operationName).toBe('Stations');
    expect(body.variables).toEqual({ search: 'ams', first: 5 });
    const id = body.extensions?.persistedQuery?.sha256Hash ?? '';
    expect(body.extensions?.persistedQuery?.version).toBe(1);
    expect(manifestText(id)).toMatch(/^query Stations\(/);
  });

  it('sends the id the manifest lists for each of the app’s operations', () => {
    for (const document of [StationsDocument, BookingDocument]) {
      expect(manifestText(documentIdOf(document))).toBeDefined();
    }
  });

  it('does not retry with the text when the gateway does not know the id', async () => {
    const { client, sent } = clientAnswering(() => ({
      errors: [{ message: 'No trusted document has this id', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }],
    }));
    await expect(client.query({ query: StationsDocument, variables: {} })).rejects.toThrow(
      'No trusted document has this id',
    );
    expect(sent).toHaveLength(1);
    expect(sent.every(({ body }) => body.query === undefined)).toBe(true);
  });

  it('in the Vite dev server, goes over to sending the text when a development gateway does not know an id', async () => {
    const { client, sent } = clientAnswering(
      (body) =>
        body.query === undefined
          ? { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] }
          : { data: { __typename: 'Query', stations: [] } },
      true,
    );
    const result = await client.query({ query: StationsDocument, variables: {} });
    expect(result.data?.stations).toEqual([]);
    await client.query({ query: StationsDocument, variables: { first: 2 } });
    expect(sent.map(({ body }) => [body.query !== undefined, body.extensions?.persistedQuery !== undefined])).toEqual([
      [false, true],
      [true, false],
      [true, false],
    ]);
  });

  it('refuses to send an operation that is not in the manifest', async () => {
    const { client, sent } = clientAnswering(() => ({ data: { stations: [] } }));
    const untrusted = parse('query Untrusted { stations { code } }');
    expect(() => documentIdOf(untrusted)).toThrow('not in the trusted-documents manifest');
    await expect(client.query({ query: untrusted })).rejects.toThrow('not in the trusted-documents manifest');
    expect(sent).toEqual([]);
  });
});
