import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** Who the PostgreSQL server runs as: this process's user, or an unprivileged one when this is root. */
export interface ServerUser {
  name: string;
  /** Set only when the server must switch to another user (this process is root). */
  uid?: number;
  gid?: number;
}

/**
 * PostgreSQL refuses to run as root. A launcher started as root (a container, a CI job) runs the
 * server as the `postgres` user when the machine has one, else as `nobody`: never as root.
 */
export async function serverUser(): Promise<ServerUser> {
  const uid = process.getuid?.();
  if (uid !== 0) return { name: 'the current user' };
  const accounts = await readFile('/etc/passwd', 'utf8').catch(() => '');
  for (const wanted of ['postgres', 'nobody']) {
    const line = accounts.split('\n').find((entry) => entry.startsWith(`${wanted}:`));
    const [, , userId, groupId] = line?.split(':') ?? [];
    if (userId !== undefined && groupId !== undefined)
      return { name: wanted, uid: Number(userId), gid: Number(groupId) };
  }
  throw new Error('running as root and this machine has neither a postgres nor a nobody user to run PostgreSQL as');
}

/**
 * The folders on the way to `dir` that `user` cannot pass through: PostgreSQL, run as another
 * user, must reach its data folder and the programs in node_modules.
 */
export async function unreachableFolders(user: ServerUser, dir: string): Promise<string[]> {
  if (user.uid === undefined) return [];
  const blocked: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
    const info = await stat(current).catch(() => undefined);
    if (!info) continue;
    const passes =
      (info.uid === user.uid && (info.mode & 0o100) !== 0) ||
      (info.gid === user.gid && (info.mode & 0o010) !== 0) ||
      (info.mode & 0o001) !== 0;
    if (!passes) blocked.push(current);
  }
  return blocked;
}
