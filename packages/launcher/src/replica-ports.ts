import { reserveFreePorts } from '@railgraph/database/embedded';

/**
 * `count` distinct free ports for replicas, none of them in `reserved` (the services' own
 * ports): found free at start and reserved for the launcher's process, in LOCAL_SERVER_PORTS
 * (below Linux's default range for outgoing connections' local ports, which the kernel hands
 * out to any client's connection without asking; a port there is taken only by a process that
 * asks for it).
 */
export async function freeReplicaPorts(count: number, reserved: Iterable<number> = []): Promise<number[]> {
  const avoid = new Set<number>(reserved);
  const ports: number[] = [];
  while (ports.length < count) ports.push(await reserveFreePorts(1, avoid));
  return ports;
}
