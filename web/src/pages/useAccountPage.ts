import { useApolloClient, useMutation } from '@apollo/client/react';
import { graphql } from '../__generated__/gql';
import { useSessionStore } from '../app-context';
import { navigate } from '../router';
import { useSession } from '../session';

/** Ends the session behind the refresh token; sent without a bearer token. */
const LogOutMutation = graphql(`
  mutation LogOut($refreshToken: String!) {
    logOut(refreshToken: $refreshToken)
  }
`);

/** The account: who is signed in, why a session ended, signing out, and where to go after signing in. */
export function useAccountPage(next: string | null) {
  const store = useSessionStore();
  const session = useSession(store);
  const client = useApolloClient();
  const [logOut] = useMutation(LogOutMutation);

  const signOut = async () => {
    const refreshToken = session?.refreshToken;
    store.signOut();
    await client.clearStore();
    if (refreshToken)
      await logOut({ variables: { refreshToken }, context: { anonymous: true } }).catch(() => undefined);
  };

  return {
    session,
    endedReason: store.endedReason,
    signOut: () => void signOut(),
    /** Back to the page that asked for signing in (a path in this app), else to the bookings. */
    signedIn: () => navigate(next && next.startsWith('/') ? next : '/bookings', { replace: true }),
  };
}
