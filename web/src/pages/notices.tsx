import { Link } from '../router';

/** A path the app does not have. */
export function NotFoundPage() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        <Link href="/">Search for a train</Link>
      </p>
    </section>
  );
}

/** A trip link with details missing or malformed. */
export function InvalidLinkPage() {
  return (
    <section>
      <h1>This link is incomplete</h1>
      <p>
        Some details of the trip are missing. <Link href="/">Start a new search</Link>
      </p>
    </section>
  );
}

/** In place of a signed-in page; signing in comes back to `pathname`. */
export function SignInFirstPage({ pathname }: { pathname: string }) {
  return (
    <section aria-labelledby="sign-in-first">
      <h1 id="sign-in-first">Sign in to see your bookings</h1>
      <p>
        <Link className="button primary" href={`/account?next=${encodeURIComponent(pathname)}`}>
          Sign in
        </Link>
      </p>
    </section>
  );
}
