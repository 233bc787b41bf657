import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
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
 * The API client: every request carries the traveller's bearer token (refreshed silently
 * when it is close to expiry). The refresh itself goes out without one.
 */
export function createApolloClient(uri: string, session: SessionStore, link?: ApolloLink): ApolloClient {
  const auth = new SetContextLink(async (prevContext) => {
    if (prevContext['anonymous']) return {};
    const token = await session.accessToken();
    return token ? { headers: { ...prevContext.headers, authorization: `Bearer ${token}` } } : {};
  });
  const client = new ApolloClient({
    link: ApolloLink.from([auth, link ?? new HttpLink({ uri })]),
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
