import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisForTests } from '@railgraph/database/redis-testing';
import {
  checkInvariants,
  readRunClassState,
  readTicketsStore,
  type InvariantResult,
  type TicketsStore,
} from '@railgraph/invariants';
import {
  bookJourney,
  eastCoastStoppingRun,
  errorCodeOf,
  eventually,
  quoteOn,
  seatMapOf,
  systemStores,
  travellerAuthorization,
  type BookingView,
  type Quote,
  type RunView,
  type SystemStores,
} from './booking-support.js';
import {
  portsClosed,
  processesGone,
  processesOf,
  startSystem,
  type GraphQLResponse,
  type RunningSystem,
} from './system.js';

/**
 * Replicas (the launcher's `<SERVICE>_REPLICAS`): two processes each of tickets, inventory and
 * the gateway behind the launcher's round-robin proxies, tickets' replicas on the one embedded
 * PostgreSQL server the launcher runs (no TICKETS_DATABASE_URL), inventory's on one Redis.
 * Travellers race through them for fewer seats than there are buyers, then one tickets replica
 * is killed in the middle of a wave of bookings; docs/design.md §5 invariants must hold after
 * each (design §12, "Several instances").
 */
const REPLICAS = 2;
const BUYERS = 60;
const SEATS_LEFT = 40;
const CLASS = 'FIRST' as const;
const HOLD_TTL_SECONDS = 10;
const RELAY_INTERVAL_MS = 250;
const LOST_RACE = ['SOLD_OUT', 'SEAT_TAKEN'];
/** What a booking may be told while a replica dies under it: each is in the contract (design §10). */
const TYPED_WHILE_KILLED = [...LOST_RACE, 'SERVICE_UNAVAILABLE', 'RATE_LIMITED', 'IDEMPOTENCY_IN_PROGRESS'];

// Inventory's replicas need Redis; tickets' need nothing but the embedded server.
const redisAvailable = await redisForTests();

interface ReplicaProcess {
  pid: number;
  port: number;
  /** The `<SERVICE>_DATABASE_URL` the launcher gave it, if any. */
  databaseUrl: string | undefined;
}

/** The system's replica processes by name (`tickets-2`), found by the DATA_DIR they carry. */
async function replicaProcesses(dataDir: string): Promise<Map<string, ReplicaProcess>> {
  const replicas = new Map<string, ReplicaProcess>();
  for (const pid of await processesOf(dataDir)) {
    const environ = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
    const variables = new Map(
      environ.split('\0').map((entry) => [entry.split('=')[0], entry.slice(entry.indexOf('=') + 1)]),
    );
    const name = variables.get('RAILGRAPH_REPLICA');
    if (!name) continue;
    const service = name.replace(/-\d+$/, '');
    replicas.set(name, {
      pid,
      port: Number(variables.get(`${service.toUpperCase()}_PORT`)),
      databaseUrl: variables.get(`${service.toUpperCase()}_DATABASE_URL`),
    });
  }
  return replicas;
}

/** GraphQL operations one process served, from its own /metrics. */
async function operationsServed(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('graphql_operation_duration_seconds_count'))
    .reduce((sum, line) => sum + Number(line.split(/\s+/).pop()), 0);
}

/** Runs `task` for 0..count-1, `width` at a time. */
async function inBatches<T>(count: number, width: number, task: (n: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += width) {
    const batch = Array.from({ length: Math.min(width, count - start) }, (_, i) => task(start + i));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

type Answer = GraphQLResponse<{ bookJourney: BookingView }>;
const outcomeOf = (answer: Answer) => answer.data?.bookJourney.status ?? errorCodeOf(answer) ?? 'NO ANSWER';

describe.runIf(redisAvailable)(
  `${REPLICAS} replicas each of tickets, inventory and the gateway on the embedded PostgreSQL server and Redis`,
  () => {
    let storage: SystemStores | undefined;
    let system: RunningSystem | undefined;
    let buyers: string[] = [];
    let trainRun: RunView;
    const bottleneck = 4;

    /** The journey buyer `n` wants: over the bottleneck leg, boarding and alighting spread around it. */
    const journeyOf = (n: number) => ({ fromStop: n % (bottleneck + 1), toStop: bottleneck + 1 + ((n * 7) % 6) });

    const quotes = new Map<string, Quote>();
    async function quoteFor(n: number, seatClass: 'FIRST' | 'STANDARD'): Promise<Quote> {
      const { fromStop, toStop } = journeyOf(n);
      const key = `${seatClass} ${fromStop}-${toStop}`;
      let quote = quotes.get(key);
      if (!quote) {
        quote = await quoteOn(system!.gatewayUrl, buyers[0]!, trainRun, fromStop, toStop, seatClass, ['ADULT']);
        quotes.set(key, quote);
      }
      return quote;
    }

    /**
     * Waits until tickets has settled every attempt (no outbox row, nothing PENDING) and the
     * invariants hold, then checks them once more and returns what tickets stored.
     */
    async function expectInvariants(): Promise<TicketsStore> {
      // Read while the system runs, from tickets' database on the launcher's embedded server.
      const read = () => readTicketsStore(storage!.ticketsDatabase);
      let results: InvariantResult[] = [];
      let store: TicketsStore | undefined;
      const judge = async () => {
        store = await read();
        const runClasses = [...new Set(store.bookings.map((b) => `${b.runId}\t${b.seatClass}`))];
        const inventory = await Promise.all(
          runClasses.map((pair) => {
            const [runId, seatClass] = pair.split('\t') as [string, string];
            return readRunClassState(system!.gatewayUrl, runId, seatClass);
          }),
        );
        results = checkInvariants({
          store,
          inventory,
          pendingBoundMs: HOLD_TTL_SECONDS * 1000 + RELAY_INTERVAL_MS,
          now: new Date(),
        });
        return store.outbox.length === 0 && store.bookings.every((b) => b.status !== 'PENDING');
      };
      await eventually('tickets settled every attempt', judge, 90_000);
      await eventually('the invariants hold', async () => (await judge()) && results.every((r) => r.ok), 30_000).catch(
        () => undefined,
      );
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(results.map((r) => r.invariant)).toEqual([1, 2, 3, 4, 5, 6]);
      return store!;
    }

    beforeAll(async () => {
      storage = await systemStores('embedded', 'replicas', { redis: true });
      expect(storage.env).not.toHaveProperty('TICKETS_DATABASE_URL');
      system = await startSystem({
        ...storage.env,
        LOG_LEVEL: 'warn',
        TICKETS_REPLICAS: String(REPLICAS),
        INVENTORY_REPLICAS: String(REPLICAS),
        GATEWAY_REPLICAS: String(REPLICAS),
        HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS),
        OUTBOX_RELAY_INTERVAL_MS: String(RELAY_INTERVAL_MS),
        INVENTORY_REAPER_INTERVAL_MS: '500',
      });
      buyers = await inBatches(BUYERS, 12, (n) =>
        travellerAuthorization(system!.gatewayUrl, `buyer-${n}-${randomBytes(3).toString('hex')}@example.com`),
      );
      trainRun = await eastCoastStoppingRun(system.gatewayUrl, buyers[0]!);
    }, 120_000);

    afterAll(async () => {
      await system?.cleanup();
      await storage?.drop();
    });

    it('runs each replica as a process of its own, ready on its own port, behind the service port', async () => {
      const replicas = await replicaProcesses(system!.dataDir);
      const names = ['gateway', 'inventory', 'tickets'].flatMap((s) =>
        Array.from({ length: REPLICAS }, (_, i) => `${s}-${i + 1}`),
      );
      expect([...replicas.keys()].sort()).toEqual(names);
      const ports = [...replicas.values()].map((r) => r.port);
      expect(new Set(ports).size).toBe(names.length);
      for (const port of ports) {
        expect(Object.values(system!.ports)).not.toContain(port);
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      }
      for (const service of ['gateway', 'inventory', 'tickets'] as const) {
        expect(system!.output()).toContain(
          `${service.padEnd(9)} http://127.0.0.1:${system!.ports[service]}/graphql  (${REPLICAS} replicas on ports`,
        );
        expect((await fetch(`http://127.0.0.1:${system!.ports[service]}/readyz`)).status).toBe(200);
      }
      // Both tickets replicas on tickets' database of the launcher's one embedded server.
      expect(system!.output()).toContain(
        `✓ postgres  127.0.0.1:${system!.ports.postgres}  databases users, trains, prices, tickets`,
      );
      const ticketsUrls = ['tickets-1', 'tickets-2'].map((name) => new URL(replicas.get(name)!.databaseUrl!));
      for (const url of ticketsUrls)
        expect([url.port, url.pathname]).toEqual([String(system!.ports.postgres), '/tickets']);
    });

    it(`sells the last ${SEATS_LEFT} first-class seats of a leg once to ${BUYERS} buyers racing through the replicas`, async () => {
      const gatewayUrl = system!.gatewayUrl;
      // Leave SEATS_LEFT first-class seats on the bottleneck leg.
      const before = await seatMapOf(gatewayUrl, trainRun, bottleneck, bottleneck + 1, CLASS);
      let toSell = before.free.size - SEATS_LEFT;
      expect(toSell).toBeGreaterThan(0);
      for (let n = 0; toSell > 0; n++) {
        const party = Array.from({ length: Math.min(9, toSell) }, () => 'ADULT' as const);
        const quote = await quoteOn(gatewayUrl, buyers[0]!, trainRun, bottleneck, bottleneck + 1, CLASS, party);
        const filled = await bookJourney(gatewayUrl, buyers[0]!, quote, `fill-${n}-${randomBytes(4).toString('hex')}`);
        expect(filled.errors).toBeUndefined();
        toSell -= party.length;
      }
      for (let n = 0; n < BUYERS; n++) await quoteFor(n, CLASS);
      const served = await Promise.all(
        [...(await replicaProcesses(system!.dataDir)).values()].map((r) => operationsServed(r.port)),
      );

      const answers = await Promise.all(
        buyers.map(async (authorization, n) =>
          bookJourney(
            gatewayUrl,
            authorization,
            await quoteFor(n, CLASS),
            `rush-${n}-${randomBytes(4).toString('hex')}`,
          ),
        ),
      );
      const outcomes = answers.map(outcomeOf);
      expect(outcomes.filter((o) => o !== 'CONFIRMED' && !LOST_RACE.includes(o))).toEqual([]);
      for (const answer of answers) expect(answer.status).toBe(200);
      const won = outcomes.filter((o) => o === 'CONFIRMED').length;
      expect(won).toBeLessThanOrEqual(SEATS_LEFT);
      expect(won).toBeGreaterThan(SEATS_LEFT / 2);
      expect(BUYERS - won).toBeGreaterThan(0);

      // Every replica took part: each served GraphQL operations during the race.
      const after = await Promise.all(
        [...(await replicaProcesses(system!.dataDir)).values()].map((r) => operationsServed(r.port)),
      );
      for (const [i, count] of after.entries()) expect(count).toBeGreaterThan(served[i]!);

      const store = await expectInvariants();
      // One booking at most per buyer (a SOLD_OUT tickets already knew of is answered without one).
      const rushed = store.bookings.filter((b) => b.idempotencyKey.startsWith('rush-'));
      expect(rushed.length).toBeLessThanOrEqual(BUYERS);
      expect(rushed.filter((b) => b.status === 'CONFIRMED')).toHaveLength(won);
      // Nothing is left on the bottleneck leg for a buyer who lost for want of seats.
      const left = await seatMapOf(gatewayUrl, trainRun, bottleneck, bottleneck + 1, CLASS);
      expect(left.free.size).toBe(SEATS_LEFT - won);
    }, 120_000);

    it('keeps serving bookings through the proxy when a tickets replica is killed mid-run', async () => {
      const gatewayUrl = system!.gatewayUrl;
      const victim = (await replicaProcesses(system!.dataDir)).get('tickets-1')!;
      expect(victim).toBeDefined();
      for (let n = 0; n < BUYERS; n++) await quoteFor(n, 'STANDARD');
      let answered = 0;
      /** Each buyer books `rounds` times in a row, all buyers at once. */
      const wave = async (label: string, rounds: number) =>
        (
          await Promise.all(
            buyers.map(async (authorization, n) => {
              const bookings = [];
              for (let round = 0; round < rounds; round++) {
                const key = `${label}-${n}-${round}-${randomBytes(4).toString('hex')}`;
                const quote = await quoteFor(n, 'STANDARD');
                const answer = await bookJourney(gatewayUrl, authorization, quote, key);
                answered += 1;
                bookings.push({ authorization, quote, key, answer });
              }
              return bookings;
            }),
          )
        ).flat();

      // A wave of bookings; the replica dies once the first are answered, with the rest in flight.
      const during = wave('killed', 2);
      await eventually('the first bookings are answered', async () => answered >= 10, 30_000);
      const answeredAtKill = answered;
      process.kill(victim.pid, 'SIGKILL');
      const duringKill = await during;
      expect(answeredAtKill).toBeLessThan(duringKill.length);
      const outcomes = duringKill.map(({ answer }) => outcomeOf(answer));
      expect(outcomes.filter((o) => o !== 'CONFIRMED' && !TYPED_WHILE_KILLED.includes(o))).toEqual([]);

      // The launcher reports the crash, keeps the system running on the other replica and
      // starts the killed one again.
      await eventually('the launcher reports the crash', async () =>
        system!
          .output()
          .includes('tickets-1 exited unexpectedly (signal SIGKILL); 1 of 2 tickets replicas still serving'),
      );
      expect(system!.launcher.exitCode).toBeNull();
      expect((await fetch(`http://127.0.0.1:${system!.ports.tickets}/readyz`)).status).toBe(200);
      await eventually('the killed replica is back', async () => system!.output().includes('tickets-1 restarted'));
      const restarted = (await replicaProcesses(system!.dataDir)).get('tickets-1');
      expect(restarted?.pid).toBeDefined();
      expect(restarted?.pid).not.toBe(victim.pid);

      // Bookings go on through the proxy, to both replicas again.
      const afterKill = await wave('after', 1);
      expect(afterKill.map(({ answer }) => outcomeOf(answer)).filter((o) => o !== 'CONFIRMED')).toEqual([]);

      // Everything the dead replica left half done is settled by the other; then a retry with the
      // same key gets the first attempt's result (a sale, or SERVICE_UNAVAILABLE for one that expired).
      await expectInvariants();
      const unanswered = duringKill.filter(({ answer }) => !answer.data);
      const retries = await Promise.all(
        unanswered.map(({ authorization, quote, key }) => bookJourney(gatewayUrl, authorization, quote, key)),
      );
      expect(retries.map(outcomeOf).filter((o) => o !== 'CONFIRMED' && !TYPED_WHILE_KILLED.includes(o))).toEqual([]);
      const store = await expectInvariants();
      for (const { key, answer } of duringKill) {
        const made = store.bookings.filter((b) => b.idempotencyKey === key);
        expect(made.length).toBeLessThanOrEqual(1);
        if (answer.data) expect(made[0]).toMatchObject({ id: answer.data.bookJourney.id, status: 'CONFIRMED' });
      }
    }, 150_000);

    it('stops every process, each replica and its proxy, on SIGTERM', async () => {
      const replicas = [...(await replicaProcesses(system!.dataDir)).values()];
      expect(replicas.length).toBeGreaterThan(0);
      system!.launcher.kill('SIGTERM');
      expect(await system!.exited).toBe(0);
      await processesGone(system!.dataDir);
      await portsClosed([...Object.values(system!.ports), ...replicas.map((r) => r.port)]);
    }, 60_000);
  },
);
