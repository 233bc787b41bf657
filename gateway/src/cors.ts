import type { RequestHandler } from 'express';

const allowedHeaders = 'authorization, content-type, x-request-id, apollo-require-preflight, x-apollo-operation-name';

/**
 * CORS for the configured browser origins, with preflight. Requests from other origins
 * get no CORS headers, so browsers refuse them; non-browser clients are unaffected.
 */
export function corsFor(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.header('origin');
    if (origin && allowed.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', 'x-request-id');
      res.append('vary', 'Origin');
      if (req.method === 'OPTIONS') {
        res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
        res.setHeader('access-control-allow-headers', allowedHeaders);
        res.setHeader('access-control-max-age', '600');
        res.status(204).end();
        return;
      }
    } else if (req.method === 'OPTIONS' && req.header('access-control-request-method')) {
      res.status(204).end();
      return;
    }
    next();
  };
}
