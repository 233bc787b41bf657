import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configuredIndex, createWebServer } from '../src/web-server.js';

let root: string;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'railgraph-web-'));
  await mkdir(path.join(root, 'assets'));
  await writeFile(
    path.join(root, 'index.html'),
    '<html><head><!-- railgraph:config --></head><body><div id="root"></div></body></html>',
  );
  await writeFile(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(path.join(root, 'trusted-documents.json'), '{}');
  const server = createWebServer({ root, graphqlUrl: 'http://127.0.0.1:4999/graphql', stripePublishableKey: null });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});

afterAll(async () => {
  await close();
  await rm(root, { recursive: true, force: true });
});

describe('the web app server', () => {
  it('writes the gateway URL into index.html', async () => {
    const response = await fetch(`${base}/`);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain(
      '<meta name="railgraph-graphql-url" content="http://127.0.0.1:4999/graphql" />',
    );
  });

  it('writes no Stripe key when payments use the sandbox', async () => {
    expect(await (await fetch(`${base}/`)).text()).not.toContain('railgraph-stripe-publishable-key');
  });

  it("writes Stripe's publishable key, escaped, when one is configured", () => {
    const html = '<html><head><!-- railgraph:config --></head></html>';
    const page = configuredIndex(html, { graphqlUrl: '/graphql', stripePublishableKey: 'pk_test_51Abc' });
    expect(page).toContain('<meta name="railgraph-graphql-url" content="/graphql" />');
    expect(page).toContain('<meta name="railgraph-stripe-publishable-key" content="pk_test_51Abc" />');
    const odd = configuredIndex(html, { graphqlUrl: '/graphql', stripePublishableKey: '"><script>' });
    expect(odd).toContain('content="&quot;&gt;&lt;script&gt;"');
  });

  it('answers app routes with index.html so the app can route in the browser', async () => {
    const response = await fetch(`${base}/bookings/1234?booked=1`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('railgraph-graphql-url');
  });

  it('serves hashed assets with a long cache lifetime', async () => {
    const response = await fetch(`${base}/assets/index-abc.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/javascript');
    expect(response.headers.get('cache-control')).toContain('immutable');
  });

  it('serves the trusted-documents manifest', async () => {
    const response = await fetch(`${base}/trusted-documents.json`);
    expect(await response.json()).toEqual({});
  });

  it('answers 404 for a missing file instead of the app', async () => {
    expect((await fetch(`${base}/assets/index-old.js`)).status).toBe(404);
  });

  it('never serves files outside its folder', async () => {
    const response = await fetch(`${base}/..%2F..%2Fetc%2Fpasswd`);
    expect(await response.text()).not.toContain('root:');
  });
});
