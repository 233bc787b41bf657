import { useMutation } from '@apollo/client/react';
import { useApolloClient } from '@apollo/client/react';
import { useSessionStore } from '../app-context';
import { AuthForms } from '../components/AuthForms';
import { LogOutMutation } from '../operations';
import { navigate } from '../router';
import { useSession } from '../session';

/** Sign in or up; once signed in, who you are and signing out. */
export function AccountPage({ next }: { next: string | null }) {
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

  if (!session)
    return (
      <section aria-labelledby="account-heading">
        <h1 id="account-heading">Your account</h1>
        {store.endedReason ? (
          <p role="status" className="notice">
            {store.endedReason}
          </p>
        ) : null}
        <AuthForms onSignedIn={() => navigate(next && next.startsWith('/') ? next : '/bookings', { replace: true })} />
      </section>
    );
  return (
    <section aria-labelledby="account-heading">
      <h1 id="account-heading">Your account</h1>
      <div className="card">
        <p>
          Signed in as <strong>{session.user.name}</strong> ({session.user.email}).
        </p>
        <div className="actions">
          <button type="button" className="secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </div>
    </section>
  );
}
