import { portIsFree } from './system.js';

/**
 * Where replicas listen: ports found free at start, below Linux's default range for outgoing
 * connections' local ports (32768-60999). The kernel hands those out to any client's
 * connection without asking, so one found free there could be taken before the replica binds
 * it; a port below that range is taken only by a process that asks for it.
 */
export const REPLICA_PORTS = { from: 20_000, to: 32_000 };

/** `count` distinct free ports for replicas, none of them in `reserved` (the services' own ports). */
export async function freeReplicaPorts(count: number, reserved: Iterable<number> = []): Promise<number[]> {
  const chosen = new Set<number>(reserved);
  const ports: number[] = [];
  for (let attempt = 0; ports.length < count && attempt < 50 * count; attempt++) {
    const port = REPLICA_PORTS.from + Math.floor(Math.random() * (REPLICA_PORTS.to - REPLICA_PORTS.from));
    if (chosen.has(port)) continue;
    chosen.add(port);
    if (await portIsFree(port)) ports.push(port);
  }
  if (ports.length < count)
    throw new Error(`no ${count} free ports for replicas in ${REPLICA_PORTS.from}-${REPLICA_PORTS.to}`);
  return ports;
}
