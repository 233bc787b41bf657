import { useEffect, useRef } from 'react';
import { useSessionStore } from './app-context';
import { useLocation } from './router';
import { useSession } from './session';

/**
 * The app shell's state: where the traveller is, whether they are signed in, and the `<main>`
 * that gets focus (and the document its title) after each navigation, as a full page load would.
 */
export function useApp() {
  const { pathname, search, href } = useLocation();
  const session = useSession(useSessionStore());
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(() => {
    performance.mark('railgraph:app-rendered');
  }, []);

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

  /** A new page (not only a new query) mounts `<main>` afresh. */
  const pageKey = href.split('?')[0];
  return { pathname, search, pageKey, signedIn: session !== null, main };
}
