import type { IncomingMessage, ServerResponse } from 'node:http';

const allowedHeaders = 'authorization, content-type, x-request-id, apollo-require-preflight, x-apollo-operation-name';

/**
 * CORS for the configured browser origins: sets the answer's CORS headers, and answers a
 * preflight itself (true when it did). Requests from other origins get no CORS headers, so
 * browsers refuse them; non-browser clients are unaffected. On Node's own request and answer,
 * so that POST /graphql, which does not go through express, gets the same headers.
 */
export function corsOf(origins: readonly string[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  const allowed = new Set(origins);
  return (req, res) => {
    const origin = req.headers.origin;
    if (origin && allowed.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', 'x-request-id');
      const vary = res.getHeader('vary');
      res.setHeader('vary', vary ? `${String(vary)}, Origin` : 'Origin');
      if (req.method === 'OPTIONS') {
        res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
        res.setHeader('access-control-allow-headers', allowedHeaders);
        res.setHeader('access-control-max-age', '600');
        res.writeHead(204).end();
        return true;
      }
    } else if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.writeHead(204).end();
      return true;
    }
    return false;
  };
}
