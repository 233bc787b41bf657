import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_SERVER_PORTS, portIsFree, reserveFreePorts } from '../src/embedded/local-ports.js';

const reservation = (port: number) => path.join(os.tmpdir(), 'railgraph-ports', String(port));

/** A process that has ended: its pid, no longer anyone's. */
async function endedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('local server ports', () => {
  it('are free, consecutive, in the range, and reserved for this process', async () => {
    const base = await reserveFreePorts(4);
    expect(base).toBeGreaterThanOrEqual(LOCAL_SERVER_PORTS.from);
    expect(base + 3).toBeLessThan(LOCAL_SERVER_PORTS.to);
    for (let port = base; port < base + 4; port += 1) {
      expect(await portIsFree(port)).toBe(true);
      expect((await readFile(reservation(port), 'utf8')).trim()).toBe(String(process.pid));
    }
  });

  it('are never handed out twice while the process that reserved them lives, even before anything binds them', async () => {
    const bases = await Promise.all(Array.from({ length: 40 }, () => reserveFreePorts(8)));
    const ports = bases.flatMap((base) => Array.from({ length: 8 }, (_, i) => base + i));
    expect(new Set(ports).size).toBe(320);
  });

  it('skip a port another live process reserved, and take over one whose process ended', async () => {
    const base = await reserveFreePorts(2);
    // The first port: reserved by a live process (the test runner's parent); the second: by an ended one.
    await writeFile(reservation(base), `${process.ppid}\n`);
    await writeFile(reservation(base + 1), `${await endedPid()}\n`);
    const avoid = new Set<number>();
    for (let port = LOCAL_SERVER_PORTS.from; port < LOCAL_SERVER_PORTS.to; port += 1) {
      if (port !== base && port !== base + 1) avoid.add(port);
    }
    // Only base and base + 1 are left to choose from: the block of one at base + 1 is the only one.
    expect(await reserveFreePorts(1, avoid)).toBe(base + 1);
    expect((await readFile(reservation(base + 1), 'utf8')).trim()).toBe(String(process.pid));
    expect((await readFile(reservation(base), 'utf8')).trim()).toBe(String(process.ppid));
  });

  it('skip a port something listens on', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    expect(await portIsFree((server.address() as net.AddressInfo).port)).toBe(false);
    await new Promise((resolve) => server.close(resolve));
  });
});
