import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * A new temporary folder (`<tmp>/<prefix>XXXXXX`) that other users may pass through but not
 * list: run as root, the embedded server runs as another user (`run-as.ts`), who must reach
 * its cluster folder inside.
 */
export async function passableTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, 0o711);
  return dir;
}
