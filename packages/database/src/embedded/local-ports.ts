import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { alive } from './orphans.js';

/**
 * Where servers started on this machine at a free port listen: the embedded PostgreSQL of the
 * tests, the launcher's test systems and its replicas. Below Linux's default range for outgoing
 * connections' local ports (32768-60999), which the kernel hands out without asking, so a port
 * found free here is taken only by a process that asks for it.
 */
export const LOCAL_SERVER_PORTS = { from: 20_000, to: 32_000 } as const;

/** One file per reserved port, named after it, holding the pid of the process that reserved it. */
const RESERVATIONS = path.join(os.tmpdir(), 'railgraph-ports');

/** Whether nothing listens on `port` of 127.0.0.1 now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * Reserves `port` for this process, unless another live process has. A server takes seconds
 * from the port being found free to binding it (a system's services migrate their databases
 * first), and the processes of a test run look for ports meanwhile: without a reservation two
 * of them found the same port free. A reservation lasts as long as its process; one whose
 * process has ended is taken over.
 */
async function reserve(port: number): Promise<boolean> {
  const file = path.join(RESERVATIONS, String(port));
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A folder this user cannot write (made by another user): the check alone, as before.
      if (code === 'EACCES' || code === 'EPERM') return true;
      if (code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    // An empty file is one being written: its process is alive.
    if (!Number.isInteger(owner) || owner <= 0 || alive(owner)) return false;
    await rm(file, { force: true });
  }
  return false;
}

async function release(port: number): Promise<void> {
  await rm(path.join(RESERVATIONS, String(port)), { force: true });
}

async function reservationsFolder(): Promise<void> {
  const made = await mkdir(RESERVATIONS, { recursive: true });
  // Shared by every user's processes, as /tmp is.
  if (made) await chmod(RESERVATIONS, 0o1777).catch(() => undefined);
}

/**
 * The first of `count` consecutive ports in LOCAL_SERVER_PORTS, none in `avoid`, each free and
 * reserved for this process (no other process of the machine is handed it while this one lives).
 */
export async function reserveFreePorts(count: number, avoid: ReadonlySet<number> = new Set()): Promise<number> {
  await reservationsFolder();
  const { from, to } = LOCAL_SERVER_PORTS;
  // From a random place on, so processes starting together look in different places first.
  const blocks = to - from - count + 1;
  const start = Math.floor(Math.random() * blocks);
  for (let i = 0; i < blocks; i += 1) {
    const base = from + ((start + i) % blocks);
    const block = Array.from({ length: count }, (_, i) => base + i);
    if (block.some((port) => avoid.has(port))) continue;
    const reserved: number[] = [];
    for (const port of block) {
      if (!(await reserve(port))) break;
      reserved.push(port);
    }
    if (reserved.length === count && (await Promise.all(block.map(portIsFree))).every(Boolean)) return base;
    await Promise.all(reserved.map(release));
  }
  throw new Error(`no ${count} free consecutive ports in ${from}-${to}`);
}
