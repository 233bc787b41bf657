import { Suspense } from 'react';
import { NotFoundPage, SignInFirstPage } from './pages/notices';
import { Link, matchRoute } from './router';
import { routes } from './routes';
import { useApp } from './useApp';

/** The page the route table has for this path. */
function Page({ pathname, search, signedIn }: { pathname: string; search: URLSearchParams; signedIn: boolean }) {
  const found = matchRoute(routes, pathname);
  if (!found) return <NotFoundPage />;
  if (found.route.signedIn && !signedIn) return <SignInFirstPage pathname={pathname} />;
  return found.route.render({ params: found.params, search });
}

export function App() {
  const { pathname, search, pageKey, signedIn, main } = useApp();
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
                {signedIn ? 'Account' : 'Sign in'}
              </Link>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} key={pageKey}>
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <Page pathname={pathname} search={search} signedIn={signedIn} />
        </Suspense>
      </main>
      <footer className="site-footer">
        <p>Times are local to each station. Prices include all passengers.</p>
      </footer>
    </>
  );
}
