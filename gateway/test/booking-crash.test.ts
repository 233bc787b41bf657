import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, redisTestUrl } from '@railgraph/database/redis-testing';
import {
  bookJourney,
  eastCoastStoppingRun,
  errorCodeOf,
  eventually,
  outboxBacklog,
  quoteOn,
  readTicketsStore,
  realStoresAvailable,
  seatMapOf,
  systemStores,
  travellerAuthorization,
  type RunView,
  type SystemStores,
} from './booking-support.js';
import { SYSTEM_TEST_RATE_LIMITS, freePortBlock, graphql, portVariables, repoRoot } from './system.js';

/**
 * Process crashes in the middle of the booking saga (docs/design.md §4, steps 4-6). Every service
 * runs as its own process, as `npm start` runs it, but started here one by one so that one can be
 * killed and restarted while the others run on. Tickets reaches inventory through a proxy in this
 * test, which is where the crash is timed: right after inventory answered a hold, or right when
 * tickets asks to confirm one (so after its commit).
 */
const HOLD_TTL_SECONDS = 10;
const RELAY_INTERVAL_MS = 200;

type ServiceName = 'users' | 'trains' | 'inventory' | 'prices' | 'tickets' | 'gateway';
const serviceNames: ServiceName[] = ['users', 'trains', 'inventory', 'prices', 'tickets', 'gateway'];

interface Service {
  name: ServiceName;
  process: ChildProcess;
  exited: Promise<void>;
}

/**
 * What the proxy does with the next matching call from tickets to inventory: kill a process
 * there, or, after inventory answered a hold, make inventory lose its state and run
 * `meanwhile` before tickets gets the answer.
 */
type Fault =
  | { on: 'holdSeats'; kill: 'inventory' | 'tickets' }
  | { on: 'confirmHold'; kill: 'tickets' }
  | { on: 'holdSeats'; loseInventoryState: true; meanwhile: () => Promise<void> };

const redisUrl = redisTestUrl();
const realStores = await realStoresAvailable();

async function freePorts(count: number): Promise<number[]> {
  const base = await freePortBlock(count);
  return Array.from({ length: count }, (_, i) => base + i);
}

/** The crash scenarios, on the embedded defaults or with every service on PostgreSQL and Redis. */
function crashSuite(stores: 'embedded' | 'real'): void {
  let storage: SystemStores | undefined;
  let ports: Record<ServiceName | 'proxy', number>;
  let env: NodeJS.ProcessEnv;
  const running = new Map<ServiceName, Service>();
  let proxy: http.Server;
  let fault: Fault | undefined;
  /** Settles once the armed fault's process is dead: the answer to the booking may come before (step 6 follows it). */
  let crashed: Promise<void> | undefined;
  let crashDone: (() => void) | undefined;
  /** Arms the proxy for the next matching call; `crashed` waits for its kill. */
  const arm = (next: Exclude<Fault, { loseInventoryState: true }>) => {
    fault = next;
    crashed = new Promise<void>((resolve) => (crashDone = resolve));
  };
  let authorization: string;
  let trainRun: RunView;
  const gatewayUrl = () => `http://127.0.0.1:${ports.gateway}/graphql`;

  async function start(name: ServiceName): Promise<void> {
    const entry =
      name === 'gateway'
        ? path.join(repoRoot, 'gateway/dist/index.js')
        : path.join(repoRoot, 'subgraphs', name, 'dist/index.js');
    const child = spawn(process.execPath, [entry], { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    running.set(name, { name, process: child, exited });
    let started = false;
    const ready = eventually(
      `${name} is ready`,
      async () => (await fetch(`http://127.0.0.1:${ports[name]}/readyz`)).ok,
      120_000,
    );
    // A process that dies while starting fails the test at once, saying why.
    const died = exited.then(() => {
      if (!started) throw new Error(`${name} exited while starting:\n${stderr}`);
    });
    try {
      await Promise.race([ready, died]);
      started = true;
    } finally {
      ready.catch(() => undefined);
      died.catch(() => undefined);
    }
  }

  async function kill(name: ServiceName): Promise<void> {
    const service = running.get(name);
    if (!service) return;
    service.process.kill('SIGKILL');
    await service.exited;
    running.delete(name);
  }

  /**
   * Inventory forgets every hold and sale: a restarted in-process engine, or Redis losing its
   * data (the keys deleted while inventory is down). It rebuilds runs from tickets when next asked.
   */
  async function loseInventoryState(): Promise<void> {
    await kill('inventory');
    if (storage?.redisPrefix) await deleteKeys(redisUrl, storage.redisPrefix);
    await start('inventory');
  }

  /** Forwards tickets' calls to inventory; on an armed fault, kills a process at that point. */
  function inventoryProxy(): http.Server {
    return http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        void (async () => {
          const body = Buffer.concat(chunks).toString();
          const armed = fault && body.includes(fault.on) ? fault : undefined;
          if (armed) fault = undefined;
          if (armed?.on === 'confirmHold') {
            // Tickets has committed the booking and asks to confirm: it dies right here.
            await kill(armed.kill);
            crashDone?.();
            response.destroy();
            return;
          }
          let answer: Response;
          try {
            answer = await fetch(`http://127.0.0.1:${ports.inventory}${request.url ?? '/graphql'}`, {
              method: request.method ?? 'POST',
              headers: Object.fromEntries(
                Object.entries(request.headers).filter(
                  (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'host',
                ),
              ),
              ...(request.method === 'GET' ? {} : { body }),
            });
          } catch {
            response.writeHead(502).end();
            return;
          }
          const text = await answer.text();
          if (armed && 'loseInventoryState' in armed) {
            // Inventory has held the seats, then loses them before tickets hears of the hold.
            await loseInventoryState();
            await armed.meanwhile();
          } else if (armed) {
            // Inventory has held the seats; the process named dies before tickets hears of it
            // (inventory) or before it can commit (tickets).
            await kill(armed.kill);
            crashDone?.();
            if (armed.kill === 'tickets') {
              response.destroy();
              return;
            }
          }
          response.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
        })();
      });
    });
  }

  beforeAll(async () => {
    // No launcher here to run the embedded server: the stores bring one with the services' databases.
    storage = await systemStores(stores, 'crash', { embeddedServer: true });
    const [gateway, users, trains, inventory, prices, tickets, proxyPort] = await freePorts(7);
    ports = {
      gateway: gateway!,
      users: users!,
      trains: trains!,
      inventory: inventory!,
      prices: prices!,
      tickets: tickets!,
      proxy: proxyPort!,
    };
    const url = (port: number, route = '/graphql') => `http://127.0.0.1:${port}${route}`;
    env = {
      ...process.env,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
      ...portVariables(ports),
      USERS_URL: url(ports.users),
      TRAINS_URL: url(ports.trains),
      // Every caller of inventory goes through the proxy; only tickets' holds and confirms are faulted.
      INVENTORY_URL: url(ports.proxy),
      PRICES_URL: url(ports.prices),
      TICKETS_URL: url(ports.tickets),
      USERS_JWKS_URL: url(ports.users, '/.well-known/jwks.json'),
      PRICES_JWKS_URL: url(ports.prices, '/.well-known/jwks.json'),
      USERS_TOKEN_URL: url(ports.users, '/oauth/token'),
      TICKETS_CLIENT_SECRET: randomBytes(32).toString('base64url'),
      INVENTORY_CLIENT_SECRET: randomBytes(32).toString('base64url'),
      HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS),
      OUTBOX_RELAY_INTERVAL_MS: String(RELAY_INTERVAL_MS),
      INVENTORY_REAPER_INTERVAL_MS: '500',
      // The waits below poll the gateway from one address, as startSystem's systems allow.
      ...SYSTEM_TEST_RATE_LIMITS,
      // The data folder, each service's database and, on real stores, inventory's Redis prefix.
      ...storage.env,
    };
    proxy = inventoryProxy();
    await new Promise<void>((resolve) => proxy.listen(ports.proxy, '127.0.0.1', resolve));
    await Promise.all(serviceNames.filter((n) => n !== 'gateway').map(start));
    await start('gateway');
    authorization = await travellerAuthorization(gatewayUrl(), 'crash@example.com');
    trainRun = await eastCoastStoppingRun(gatewayUrl(), authorization);
  }, 300_000);

  afterAll(async () => {
    for (const name of [...running.keys()]) await kill(name);
    await new Promise((resolve) => proxy?.close(resolve));
    await storage?.drop();
  });

  const seatsOf = (booking: { tickets: Array<{ coach: number; seat: string }> }) =>
    booking.tickets.map((t) => `${t.coach}-${t.seat}`).sort();

  it('completes a sale whose inventory process was killed between the hold and the confirmation', async () => {
    const quote = await quoteOn(gatewayUrl(), authorization, trainRun, 0, 4, 'FIRST', ['ADULT', 'CHILD']);
    arm({ on: 'holdSeats', kill: 'inventory' });
    const booked = await bookJourney(gatewayUrl(), authorization, quote, `crash-inv-${randomBytes(4).toString('hex')}`);
    await crashed;
    // The booking committed before inventory could be told: the sale stands, the confirmation waits.
    expect(booked.errors).toBeUndefined();
    expect(booked.data?.bookJourney.status).toBe('CONFIRMED');
    // Step 6 follows the answer: the capture lands, the confirmation stays for the relay.
    await eventually('the capture is delivered', async () => (await outboxBacklog(ports.tickets)) === 1);

    await start('inventory');
    await eventually('the relay has confirmed the hold', async () => (await outboxBacklog(ports.tickets)) === 0);
    // Inventory lost its in-process state with the process and rebuilt the run from tickets.
    const map = await seatMapOf(gatewayUrl(), trainRun, 0, 4, 'FIRST');
    for (const seat of seatsOf(booked.data!.bookJourney)) expect(map.free.has(seat)).toBe(false);
  }, 180_000);

  it('confirms, after tickets restarts, a sale committed just before tickets was killed', async () => {
    const quote = await quoteOn(gatewayUrl(), authorization, trainRun, 2, 6, 'FIRST', ['ADULT']);
    const key = `crash-tkt-${randomBytes(4).toString('hex')}`;
    arm({ on: 'confirmHold', kill: 'tickets' });
    const answered = await bookJourney(gatewayUrl(), authorization, quote, key).catch(() => undefined);
    await crashed;
    // The confirmation follows the answer (docs/design.md §4, step 6): the answer may have left
    // before tickets was killed, and then it is the sale; else the client got an error or nothing.
    const first = answered?.data?.bookJourney;
    if (first) expect(first.status).toBe('CONFIRMED');

    await start('tickets');
    await eventually('the relay has confirmed the hold', async () => (await outboxBacklog(ports.tickets)) === 0);
    // The client's retry with the same key finds the sale, tickets and all.
    const retried = await bookJourney(gatewayUrl(), authorization, quote, key);
    expect(retried.errors).toBeUndefined();
    expect(retried.data?.bookJourney.status).toBe('CONFIRMED');
    const seats = seatsOf(retried.data!.bookJourney);
    expect(seats).toHaveLength(1);
    // Confirmed, so the seat stays sold after its hold would have expired and the reaper ran.
    await new Promise((resolve) => setTimeout(resolve, (HOLD_TTL_SECONDS + 2) * 1000));
    const map = await seatMapOf(gatewayUrl(), trainRun, 2, 6, 'FIRST');
    expect(map.free.has(seats[0]!)).toBe(false);
  }, 180_000);

  it('expires, after tickets restarts, an attempt that held seats but died before its commit', async () => {
    const quote = await quoteOn(gatewayUrl(), authorization, trainRun, 6, 10, 'FIRST', ['ADULT', 'ADULT']);
    const key = `crash-pending-${randomBytes(4).toString('hex')}`;
    const freeBefore = (await seatMapOf(gatewayUrl(), trainRun, 6, 10, 'FIRST')).free.size;
    arm({ on: 'holdSeats', kill: 'tickets' });
    await bookJourney(gatewayUrl(), authorization, quote, key).catch(() => undefined);
    await crashed;
    expect((await seatMapOf(gatewayUrl(), trainRun, 6, 10, 'FIRST')).free.size).toBe(freeBefore - 2);

    await start('tickets');
    const inProgress = await bookJourney(gatewayUrl(), authorization, quote, key);
    expect(['IDEMPOTENCY_IN_PROGRESS', 'SERVICE_UNAVAILABLE']).toContain(errorCodeOf(inProgress));
    // Within the hold TTL plus the relay interval of its start, the attempt is EXPIRED and the
    // seats are back on sale; the retry gets a typed error, never the seats.
    await eventually(
      'the held seats are back on sale',
      async () => (await seatMapOf(gatewayUrl(), trainRun, 6, 10, 'FIRST')).free.size === freeBefore,
    );
    const retried = await bookJourney(gatewayUrl(), authorization, quote, key);
    expect(errorCodeOf(retried)).toBe('SERVICE_UNAVAILABLE');
    await eventually('the outbox is empty', async () => (await outboxBacklog(ports.tickets)) === 0);
  }, 180_000);

  it('never sells a seat twice when inventory loses a hold before its booking commits', async () => {
    const [fromStop, toStop] = [1, 9];
    const seat = [...(await seatMapOf(gatewayUrl(), trainRun, fromStop, toStop, 'FIRST')).free][0]!;
    const rival = await travellerAuthorization(gatewayUrl(), `rival-${stores}@example.com`);
    const first = await quoteOn(gatewayUrl(), authorization, trainRun, fromStop, toStop, 'FIRST', ['ADULT']);
    const second = await quoteOn(gatewayUrl(), rival, trainRun, fromStop, toStop, 'FIRST', ['ADULT']);
    let rivalBooking: Awaited<ReturnType<typeof bookJourney>> | undefined;
    // The first booking's seat is held; inventory loses it and rebuilds the run from tickets'
    // sales, where that booking is not yet; a rival books the same seat; then the first commits.
    fault = {
      on: 'holdSeats',
      loseInventoryState: true,
      meanwhile: async () => {
        rivalBooking = await bookJourney(gatewayUrl(), rival, second, `crash-lostb-${randomBytes(4).toString('hex')}`, [
          seat,
        ]);
      },
    };
    const lost = await bookJourney(
      gatewayUrl(),
      authorization,
      first,
      `crash-losta-${randomBytes(4).toString('hex')}`,
      [seat],
    );
    expect(rivalBooking?.errors).toBeUndefined();
    expect(rivalBooking?.data?.bookJourney.status).toBe('CONFIRMED');
    // The loser hears a contract error, not a sale, and its attempt is FAILED for good.
    expect(lost.status).toBe(200);
    expect(errorCodeOf(lost)).toBe('SEAT_TAKEN');
    const mine = await graphql<{ myBookings: Array<{ status: string; tickets: unknown[] }> }>(
      gatewayUrl(),
      '{ myBookings(first: 1, status: FAILED) { status tickets { id } } }',
      {},
      { authorization },
    );
    expect(mine.data?.myBookings).toEqual([{ status: 'FAILED', tickets: [] }]);

    await eventually('the outbox is empty', async () => (await outboxBacklog(ports.tickets)) === 0);
    expect((await seatMapOf(gatewayUrl(), trainRun, fromStop, toStop, 'FIRST')).free.has(seat)).toBe(false);
    expect(await doubleSoldSeats(ports.tickets)).toBe(0);
  }, 180_000);

  it('leaves no booking PENDING, none lost and no saga step undone', async () => {
    const tickets = running.get('tickets')!;
    tickets.process.kill('SIGTERM');
    await tickets.exited;
    running.delete('tickets');
    const store = await readTicketsStore(storage!.ticketsDatabase);
    expect(store.outbox).toEqual([]);
    expect(store.bookings.filter((b) => b.status === 'PENDING')).toEqual([]);
    const byKey = Object.fromEntries(store.bookings.map((b) => [b.idempotencyKey.split('-')[1], b]));
    expect(byKey['inv']).toMatchObject({ status: 'CONFIRMED' });
    expect(byKey['inv']?.tickets).toHaveLength(2);
    expect(byKey['tkt']).toMatchObject({ status: 'CONFIRMED' });
    expect(byKey['tkt']?.tickets).toHaveLength(1);
    expect(byKey['losta']).toMatchObject({ status: 'FAILED', failureCode: 'SEAT_TAKEN', tickets: [] });
    expect(byKey['lostb']).toMatchObject({ status: 'CONFIRMED' });
    const expired = byKey['pending'];
    expect(expired).toMatchObject({ status: 'EXPIRED' });
    // Not expired before its hold could have lapsed.
    expect(expired!.updatedAt.getTime() - expired!.createdAt.getTime()).toBeGreaterThanOrEqual(HOLD_TTL_SECONDS * 1000);
  }, 60_000);
}

/** The audit gauge tickets reports on /metrics (docs/design.md §5, invariant 1). */
async function doubleSoldSeats(ticketsPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${ticketsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('tickets_double_sold_seats'));
  if (!line) throw new Error('tickets reports no tickets_double_sold_seats');
  return Number(line.split(/\s+/)[1]);
}

describe('booking saga crashes on the embedded defaults', () => crashSuite('embedded'));
describe.runIf(realStores)('booking saga crashes on PostgreSQL and Redis', () => crashSuite('real'));
