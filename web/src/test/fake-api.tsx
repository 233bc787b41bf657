import { ApolloLink } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { Observable } from 'rxjs';
import { createApolloClient } from '../apollo';
import { SessionContext } from '../app-context';
import { SessionStore } from '../session';
import manifest from '../__generated__/persisted-documents.json';

export interface ApiCall {
  /** The name of the operation the trusted document holds. */
  operationName: string;
  variables: Record<string, unknown>;
  /** The trusted document's id the client sent, as `extensions.persistedQuery.sha256Hash`. */
  documentId: string;
}

/** Operation name and root type by trusted-document id, from the manifest the build serves to the gateway. */
const trustedOperations = new Map(
  Object.entries(manifest as Record<string, string>).map(([key, text]) => {
    const [, type = '', name = ''] = /(?:^|\} )(query|mutation|subscription) (\w+)/.exec(text) ?? [];
    return [key.replace(/^sha256:/, ''), { name, rootType: type.charAt(0).toUpperCase() + type.slice(1) }];
  }),
);

type Result = { data?: unknown; errors?: Array<{ message: string; extensions?: { code: string } }> };
export type Handlers = Record<string, (variables: Record<string, unknown>) => Result | Promise<Result>>;

/**
 * A stand-in for the gateway that, like a production one, runs only trusted documents named by
 * id: it answers each by its operation's name and records every call.
 */
export function fakeApi(handlers: Handlers): { link: ApolloLink; calls: ApiCall[] } {
  const calls: ApiCall[] = [];
  const link = new ApolloLink(
    (operation) =>
      new Observable((observer) => {
        const persisted = operation.extensions['persistedQuery'] as { sha256Hash?: string } | undefined;
        const documentId = persisted?.sha256Hash ?? '';
        const trusted = trustedOperations.get(documentId);
        if (trusted) calls.push({ operationName: trusted.name, variables: operation.variables, documentId });
        const handler = trusted && handlers[trusted.name];
        void Promise.resolve(
          !trusted
            ? graphqlError('PERSISTED_QUERY_NOT_FOUND')
            : handler
              ? handler(operation.variables)
              : { errors: [{ message: 'unknown field', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] },
        ).then((result) => {
          // The trusted documents select the root type's `__typename` too.
          const data = result.data && trusted ? { __typename: trusted.rootType, ...result.data } : result.data;
          observer.next({ ...result, ...(data === undefined ? {} : { data }) } as never);
          observer.complete();
        });
      }),
  );
  return { link, calls };
}

export const graphqlError = (code: string, message = code): Result => ({ errors: [{ message, extensions: { code } }] });

/** A signed-in traveller whose token is good for an hour. */
export function signedInSession(): SessionStore {
  const store = new SessionStore(localStorage);
  store.signIn({
    accessToken: 'access-token',
    refreshToken: 'refresh-token',
    expiresIn: 3600,
    user: { id: 'u1', name: 'Ada', email: 'ada@example.com' },
  });
  return store;
}

export function renderWithApi(ui: ReactElement, handlers: Handlers, session = signedInSession()) {
  const api = fakeApi(handlers);
  const client = createApolloClient('http://gateway.invalid/graphql', session, { link: api.link });
  const view: RenderResult = render(
    <ApolloProvider client={client}>
      <SessionContext.Provider value={session}>{ui}</SessionContext.Provider>
    </ApolloProvider>,
  );
  return { ...view, calls: api.calls, session, client };
}
