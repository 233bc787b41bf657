import { Suspense, lazy, useEffect, useRef } from 'react';
import { useSessionStore } from './app-context';
import { SearchForm } from './components/SearchForm';
import { ResultsPage } from './pages/ResultsPage';
import { Link, matchPath, useLocation } from './router';
import { useSession } from './session';
import { readChoice, readSearch } from './trip';

// Search and results load with the app; the booking steps and account pages load when needed.
const SeatsPage = lazy(() => import('./pages/SeatsPage').then((m) => ({ default: m.SeatsPage })));
const PassengersPage = lazy(() => import('./pages/PassengersPage').then((m) => ({ default: m.PassengersPage })));
const ReviewPage = lazy(() => import('./pages/ReviewPage').then((m) => ({ default: m.ReviewPage })));
const BookingPage = lazy(() => import('./pages/BookingPage').then((m) => ({ default: m.BookingPage })));
const BookingsPage = lazy(() => import('./pages/BookingsPage').then((m) => ({ default: m.BookingsPage })));
const AccountPage = lazy(() => import('./pages/AccountPage').then((m) => ({ default: m.AccountPage })));

function Page({ pathname, search }: { pathname: string; search: URLSearchParams }) {
  const session = useSession(useSessionStore());
  const signInFirst = (
    <section aria-labelledby="sign-in-first">
      <h1 id="sign-in-first">Sign in to see your bookings</h1>
      <p>
        <Link className="button primary" href={`/account?next=${encodeURIComponent(pathname)}`}>
          Sign in
        </Link>
      </p>
    </section>
  );
  if (pathname === '/' || pathname === '')
    return (
      <section aria-labelledby="home-heading" className="home">
        <h1 id="home-heading">Where are you going?</h1>
        <SearchForm />
      </section>
    );
  if (pathname === '/journeys') {
    const trip = readSearch(search);
    return trip ? <ResultsPage search={trip} /> : <InvalidLink />;
  }
  if (pathname === '/seats' || pathname === '/passengers' || pathname === '/review') {
    const choice = readChoice(search);
    if (!choice) return <InvalidLink />;
    if (pathname === '/seats') return <SeatsPage choice={choice} />;
    return pathname === '/passengers' ? <PassengersPage choice={choice} /> : <ReviewPage choice={choice} />;
  }
  if (pathname === '/bookings') return session ? <BookingsPage /> : signInFirst;
  const booking = matchPath('/bookings/:id', pathname);
  if (booking?.['id'])
    return session ? <BookingPage id={booking['id']} justBooked={search.get('booked') === '1'} /> : signInFirst;
  if (pathname === '/account') return <AccountPage next={search.get('next')} />;
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        <Link href="/">Search for a train</Link>
      </p>
    </section>
  );
}

function InvalidLink() {
  return (
    <section>
      <h1>This link is incomplete</h1>
      <p>
        Some details of the trip are missing. <Link href="/">Start a new search</Link>
      </p>
    </section>
  );
}

export function App() {
  const { pathname, search, href } = useLocation();
  const session = useSession(useSessionStore());
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(() => {
    performance.mark('railgraph:app-rendered');
  }, []);

  // Move focus to the new page's content after navigation, as a full page load would.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = main.current?.querySelector<HTMLElement>('h1');
    if (heading) {
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
    document.title = `${heading?.textContent?.trim() || 'Railgraph'} — Railgraph`;
  }, [pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link href="/" className="brand" aria-label="Railgraph home">
          Railgraph
        </Link>
        <nav aria-label="Main">
          <ul>
            <li>
              <Link href="/" aria-current={pathname === '/' ? 'page' : undefined}>
                Search
              </Link>
            </li>
            <li>
              <Link href="/bookings" aria-current={pathname.startsWith('/bookings') ? 'page' : undefined}>
                My bookings
              </Link>
            </li>
            <li>
              <Link href="/account" aria-current={pathname === '/account' ? 'page' : undefined}>
                {session ? 'Account' : 'Sign in'}
              </Link>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} key={href.split('?')[0]}>
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <Page pathname={pathname} search={search} />
        </Suspense>
      </main>
      <footer className="site-footer">
        <p>Times are local to each station. Prices include all passengers.</p>
      </footer>
    </>
  );
}
