/**
 * Where each process listens by default on one machine (`npm start`, a service started on
 * its own): the only place these numbers are written. Every service reads its own port from
 * `<NAME>_PORT`, and the URLs of its peers from their own variables, defaulting to these.
 */
export const DEFAULT_PORTS = {
  gateway: 4000,
  users: 4001,
  trains: 4002,
  inventory: 4003,
  prices: 4004,
  tickets: 4005,
  /** The traveller web app (the launcher's server, or Vite's dev server). */
  web: 5173,
} as const;

export type PortOwner = keyof typeof DEFAULT_PORTS;

/** The host every default URL points at. */
export const LOCAL_HOST = '127.0.0.1';

/** `http://127.0.0.1:<port><route>`, e.g. `localUrl(4001, '/oauth/token')`. */
export const localUrl = (port: number, route = ''): string => `http://${LOCAL_HOST}:${port}${route}`;

/** Where a process listens by default, e.g. `defaultUrl('trains', '/graphql')`. */
export const defaultUrl = (owner: PortOwner, route = ''): string => localUrl(DEFAULT_PORTS[owner], route);

/** The origins a browser gives the web app served on `port`, as the gateway's CORS list names them. */
export const webOrigins = (port: number = DEFAULT_PORTS.web): string[] => [`http://localhost:${port}`, localUrl(port)];
