import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';

export interface WebServerOptions {
  /** The built app (web/dist). */
  root: string;
  /** The GraphQL endpoint the app in the browser talks to. */
  graphqlUrl: string;
  /** Stripe's publishable key: the app takes cards with Stripe Elements. Null: the sandbox's test cards. */
  stripePublishableKey: string | null;
}

/** What the app in the browser is told at runtime. */
export type WebConfig = Pick<WebServerOptions, 'graphqlUrl' | 'stripePublishableKey'>;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

const CONFIG_MARKER = '<!-- railgraph:config -->';

const escapeAttribute = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * index.html with the API's address (and Stripe's publishable key, when payments go through
 * Stripe) written in, so one build runs against any gateway and either payment provider.
 */
export function configuredIndex(html: string, options: WebConfig): string {
  const tags = [`<meta name="railgraph-graphql-url" content="${escapeAttribute(options.graphqlUrl)}" />`];
  if (options.stripePublishableKey) {
    tags.push(
      `<meta name="railgraph-stripe-publishable-key" content="${escapeAttribute(options.stripePublishableKey)}" />`,
    );
  }
  const meta = tags.join('\n    ');
  return html.includes(CONFIG_MARKER) ? html.replace(CONFIG_MARKER, meta) : html.replace('</head>', `${meta}</head>`);
}

/**
 * Serves the single-page app: files under `root`, hashed assets cached for good, and
 * index.html for every other path (the app routes in the browser).
 */
export function createWebServer(options: WebServerOptions): Server {
  const root = path.resolve(options.root);
  let index: Promise<string> | undefined;
  const indexHtml = () =>
    (index ??= readFile(path.join(root, 'index.html'), 'utf8').then((html) => configuredIndex(html, options)));

  return createServer((req, res) => {
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://web.invalid').pathname);
      const file = path.resolve(root, `.${pathname}`);
      const headers = {
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'same-origin',
      };
      if (file.startsWith(root + path.sep) && pathname !== '/index.html') {
        const found = await stat(file).catch(() => null);
        if (found?.isFile()) {
          const body = await readFile(file);
          res.writeHead(200, {
            ...headers,
            'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
            'content-length': body.length,
            'cache-control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
          });
          res.end(req.method === 'HEAD' ? undefined : body);
          return;
        }
        // A missing asset is a 404, not the app: a stale page asking for an old bundle must fail plainly.
        if (path.extname(pathname) && pathname !== '/') {
          res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
          return;
        }
      }
      const html = await indexHtml();
      res.writeHead(200, { ...headers, 'content-type': CONTENT_TYPES['.html']!, 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : html);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Internal error\n');
    });
  });
}
