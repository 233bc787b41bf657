import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceTokenSource } from '@railgraph/auth';
import { ticketsBookingsOverHttp } from '../src/bookings/tickets-bookings.js';
import { readInventoryEnv } from '../src/env.js';
import { startInventory, type RunningInventory } from '../src/service.js';
import { runLayout } from './fixtures.js';
import { startTrainsStub } from './trains-stub.js';

/** Stands in for users' token endpoint and tickets' look-ups; tickets refuses the first token it sees. */
async function startPeers() {
  let issued = 0;
  const tokenRequests: string[] = [];
  const seenAuthorizations: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/oauth/token') {
        tokenRequests.push(body);
        res.end(JSON.stringify({ access_token: `token-${++issued}`, token_type: 'Bearer', expires_in: 300 }));
        return;
      }
      const authorization = req.headers.authorization ?? '';
      seenAuthorizations.push(authorization);
      if (authorization === 'Bearer token-1') {
        res.end(JSON.stringify({ errors: [{ message: 'expired', extensions: { code: 'UNAUTHENTICATED' } }] }));
        return;
      }
      const { variables } = JSON.parse(body) as { variables: { holdIds?: string[]; runId?: string } };
      const data = variables.holdIds
        ? {
            holdOwnership: variables.holdIds.map((holdId) => ({
              holdId,
              owned: holdId === 'b1',
              bookingStatus: holdId === 'b1' ? 'CONFIRMED' : null,
            })),
          }
        : {
            confirmedSeats:
              variables.runId === 'IC1:2026-12-01'
                ? [
                    { holdId: 'b1', coach: 2, seatLabel: '1A', fromStop: 0, toStop: 4 },
                    { holdId: 'b1', coach: 2, seatLabel: '1B', fromStop: 0, toStop: 4 },
                  ]
                : [],
          };
      res.end(JSON.stringify({ data }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    tokenUrl: `${base}/oauth/token`,
    ticketsUrl: `${base}/graphql`,
    tokenRequests,
    seenAuthorizations,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let peers: Awaited<ReturnType<typeof startPeers>>;
beforeAll(async () => {
  peers = await startPeers();
});
afterAll(async () => {
  await peers?.stop();
});

describe("tickets' look-ups over HTTP", () => {
  it('asks with a bookings:internal service token, fetching a new one once when tickets refuses it', async () => {
    const tokens = createServiceTokenSource({
      tokenUrl: peers.tokenUrl,
      clientId: 'inventory',
      clientSecret: 's3cret',
      scope: 'bookings:internal',
    });
    const tickets = ticketsBookingsOverHttp(peers.ticketsUrl, tokens);
    expect(await tickets.holdOwnership(['b1', 'b2'])).toEqual([
      { holdId: 'b1', owned: true, bookingStatus: 'CONFIRMED' },
      { holdId: 'b2', owned: false, bookingStatus: null },
    ]);
    expect(peers.seenAuthorizations).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(peers.tokenRequests[0]).toContain('scope=bookings%3Ainternal');
    expect(await tickets.confirmedSeats('IC1:2026-12-01')).toEqual([
      { holdId: 'b1', coach: 2, label: '1A', fromStop: 0, toStop: 4 },
      { holdId: 'b1', coach: 2, label: '1B', fromStop: 0, toStop: 4 },
    ]);
  });

  it('fails with SERVICE_UNAVAILABLE when no token can be had', async () => {
    const tokens = createServiceTokenSource({
      tokenUrl: 'http://127.0.0.1:1/oauth/token',
      clientId: 'inventory',
      clientSecret: 's3cret',
      scope: 'bookings:internal',
    });
    const tickets = ticketsBookingsOverHttp(peers.ticketsUrl, tokens);
    await expect(tickets.holdOwnership(['b1'])).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
  });
});

describe('inventory with service credentials', () => {
  let trains: Awaited<ReturnType<typeof startTrainsStub>>;
  let service: RunningInventory;
  const layout = runLayout();

  beforeAll(async () => {
    trains = await startTrainsStub([layout]);
    const env = readInventoryEnv({
      INVENTORY_PORT: '0',
      LOG_LEVEL: 'silent',
      TRAINS_URL: trains.url,
      TICKETS_URL: peers.ticketsUrl,
      USERS_TOKEN_URL: peers.tokenUrl,
      INVENTORY_CLIENT_SECRET: 's3cret',
    });
    service = await startInventory({ env });
  });
  afterAll(async () => {
    await service?.stop();
    await trains?.stop();
  });

  it("starts a run it has no state for from tickets' confirmed seats", async () => {
    const availability = await service.engine.availability(layout, 1, 2);
    expect(availability.find((a) => a.seatClass === 'STANDARD')?.seatsLeft).toBe(22);
    const sold = await service.engine.getHold('b1');
    expect(sold).toMatchObject({ status: 'CONFIRMED', seats: [{ label: '1A' }, { label: '1B' }] });
  });
});
