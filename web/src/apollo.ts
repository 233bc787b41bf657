import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import type { DocumentNode } from 'graphql';
import { graphql } from './__generated__/gql';
import { getFragmentData } from './__generated__/fragment-masking';
import { AuthSessionFragment, type SessionStore } from './session';

/** A new session for the refresh token; it goes out without a bearer token. */
const RefreshSessionMutation = graphql(`
  mutation RefreshSession($refreshToken: String!) {
    refreshSession(refreshToken: $refreshToken) {
      ...AuthSession
    }
  }
`);

/**
 * The id of one of the app's operations in the trusted-documents manifest: the SHA-256 of its
 * text, which the generated document carries (`__meta__.hash`, "sha256:<hex>").
 */
export function documentIdOf(document: DocumentNode): string {
  const hash = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  const id = typeof hash === 'string' ? /^sha256:([0-9a-f]{64})$/.exec(hash)?.[1] : undefined;
  if (!id) throw new Error('This operation is not in the trusted-documents manifest: declare it with graphql()');
  return id;
}

/**
 * Every operation goes out as its trusted document's id alone (design §11). A gateway that does
 * not know the id answers PERSISTED_QUERY_NOT_FOUND, which the built app reports as an error
 * rather than retrying with the text a production gateway would refuse. Only the Vite dev
 * server's app (`sendTextWhenUnknown`), whose operations may be newer than the manifest the
 * development gateway loaded, then goes over to sending the text (free-form, which a development
 * gateway runs) for the rest of the session.
 */
export const trustedDocumentsLink = ({ sendTextWhenUnknown = false } = {}) => {
  const unknownInDevelopment = ({ meta }: PersistedQueryLink.RetryFunctionOptions) =>
    sendTextWhenUnknown && meta.persistedQueryNotFound;
  return new PersistedQueryLink({
    generateHash: documentIdOf,
    retry: unknownInDevelopment,
    disable: unknownInDevelopment,
  });
};

export interface ApolloClientOptions {
  /** The terminating link (tests); an HttpLink to `uri` by default. */
  link?: ApolloLink;
  /** See trustedDocumentsLink: true only in the Vite dev server. */
  sendTextWhenUnknown?: boolean;
}

/**
 * The API client: every request carries the traveller's bearer token (refreshed silently
 * when it is close to expiry), and names its operation by trusted-document id. The refresh
 * itself goes out without a token.
 */
export function createApolloClient(
  uri: string,
  session: SessionStore,
  { link, sendTextWhenUnknown = false }: ApolloClientOptions = {},
): ApolloClient {
  const auth = new SetContextLink(async (prevContext) => {
    if (prevContext['anonymous']) return {};
    const token = await session.accessToken();
    return token ? { headers: { ...prevContext.headers, authorization: `Bearer ${token}` } } : {};
  });
  const client = new ApolloClient({
    link: ApolloLink.from([auth, trustedDocumentsLink({ sendTextWhenUnknown }), link ?? new HttpLink({ uri })]),
    cache: new InMemoryCache({
      typePolicies: {
        // Station and Journey have no `id`; they are values within their parents.
        Station: { keyFields: ['code'] },
        Journey: { keyFields: ['runId', 'fromStop', 'toStop'] },
        Query: { fields: { searchJourneys: { keyArgs: ['from', 'to', 'date', 'after', 'first'] } } },
      },
    }),
  });
  session.setRefresher(async (refreshToken) => {
    const result = await client.mutate({
      mutation: RefreshSessionMutation,
      variables: { refreshToken },
      context: { anonymous: true },
    });
    if (!result.data) throw new Error('session refresh refused');
    return getFragmentData(AuthSessionFragment, result.data.refreshSession);
  });
  return client;
}
