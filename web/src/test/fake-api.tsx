import { ApolloLink } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { Observable } from 'rxjs';
import { createApolloClient } from '../apollo';
import { SessionContext } from '../app-context';
import { SessionStore } from '../session';

export interface ApiCall {
  operationName: string;
  variables: Record<string, unknown>;
}

type Result = { data?: unknown; errors?: Array<{ message: string; extensions?: { code: string } }> };
export type Handlers = Record<string, (variables: Record<string, unknown>) => Result | Promise<Result>>;

/** A stand-in for the gateway that answers each operation by name and records every call. */
export function fakeApi(handlers: Handlers): { link: ApolloLink; calls: ApiCall[] } {
  const calls: ApiCall[] = [];
  const link = new ApolloLink(
    (operation) =>
      new Observable((observer) => {
        calls.push({ operationName: operation.operationName ?? '', variables: operation.variables });
        const handler = handlers[operation.operationName ?? ''];
        void Promise.resolve(
          handler
            ? handler(operation.variables)
            : { errors: [{ message: 'unknown field', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] },
        ).then((result) => {
          observer.next(result as never);
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
  const client = createApolloClient('http://gateway.invalid/graphql', session, api.link);
  const view: RenderResult = render(
    <ApolloProvider client={client}>
      <SessionContext.Provider value={session}>{ui}</SessionContext.Provider>
    </ApolloProvider>,
  );
  return { ...view, calls: api.calls, session, client };
}
