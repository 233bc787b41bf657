import { access } from 'node:fs/promises';
import path from 'node:path';
import { createWebServer, type WebConfig } from './web-server.js';

/** Serves the built web app on `port`, or returns null when it has not been built. */
export async function startWebApp(
  root: string,
  port: number,
  config: WebConfig,
): Promise<{ url: string; close: () => Promise<void> } | null> {
  const built = await access(path.join(root, 'index.html')).then(
    () => true,
    () => false,
  );
  if (!built) return null;
  const server = createWebServer({ root, ...config });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
