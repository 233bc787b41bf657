import { AuthForms } from '../components/AuthForms';
import { useAccountPage } from './useAccountPage';

/** Sign in or up; once signed in, who you are and signing out. */
export function AccountPage({ next }: { next: string | null }) {
  const { session, endedReason, signOut, signedIn } = useAccountPage(next);
  if (!session)
    return (
      <section aria-labelledby="account-heading">
        <h1 id="account-heading">Your account</h1>
        {endedReason ? (
          <p role="status" className="notice">
            {endedReason}
          </p>
        ) : null}
        <AuthForms onSignedIn={signedIn} />
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
          <button type="button" className="secondary" onClick={signOut}>
            Sign out
          </button>
        </div>
      </div>
    </section>
  );
}
