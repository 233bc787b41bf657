import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

const NAVIGATED = 'railgraph:navigate';

const subscribe = (listener: () => void) => {
  window.addEventListener('popstate', listener);
  window.addEventListener(NAVIGATED, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(NAVIGATED, listener);
  };
};

const snapshot = () => window.location.pathname + window.location.search;

/** The current path and query; re-renders on navigation. */
export function useLocation(): { pathname: string; search: URLSearchParams; href: string } {
  const href = useSyncExternalStore(subscribe, snapshot, snapshot);
  const url = new URL(href, 'http://app.invalid');
  return { pathname: url.pathname, search: url.searchParams, href };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATED));
  if (!options.replace) window.scrollTo?.(0, 0);
}

/** An anchor that navigates inside the app without reloading it. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={follow} {...rest} />;
}

/** The named parts of a path pattern: `'/bookings/:id'` → `{ id: string }`. */
export type RouteParams<Pattern extends string> = Pattern extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & RouteParams<`/${Rest}`>
  : Pattern extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<never, string>;

/** What a matched route renders from: the pattern's named parts and the query. */
export interface RouteProps<Pattern extends string = string> {
  params: RouteParams<Pattern>;
  search: URLSearchParams;
}

/** One entry of a route table. */
export interface Route {
  path: string;
  /** Only for a signed-in traveller; anyone else is asked to sign in first. */
  signedIn: boolean;
  render(props: { params: Record<string, string>; search: URLSearchParams }): ReactNode;
}

/** A route whose `render` gets the parameters its pattern names, typed. */
export function route<Pattern extends string>(
  path: Pattern,
  render: (props: RouteProps<Pattern>) => ReactNode,
  options: { signedIn?: boolean } = {},
): Route {
  return {
    path,
    signedIn: options.signedIn ?? false,
    // matchPath fills in exactly the names the pattern has.
    render: ({ params, search }) => render({ params: params as RouteParams<Pattern>, search }),
  };
}

/**
 * Matches `/bookings/:id`-style patterns; returns the named parts (never empty) or null. A
 * pattern with named parts also matches with a trailing slash; a fixed path only exactly.
 */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  if (!pattern.includes(':')) return pattern === (pathname || '/') ? {} : null;
  const want = pattern.split('/');
  const have = pathname.replace(/\/+$/, '').split('/');
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const actual = have[i] ?? '';
    if (part.startsWith(':') && actual) params[part.slice(1)] = decodeURIComponent(actual);
    else if (part !== actual) return null;
  }
  return params;
}

/** The first route of the table that matches the path, with its parameters. */
export function matchRoute(
  routes: readonly Route[],
  pathname: string,
): { route: Route; params: Record<string, string> } | null {
  for (const candidate of routes) {
    const params = matchPath(candidate.path, pathname);
    if (params) return { route: candidate, params };
  }
  return null;
}
