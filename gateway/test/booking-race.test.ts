import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisTestUrl } from '@railgraph/database/redis-testing';
import { seededRandom } from '@railgraph/database/seeded-random';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookJourney,
  confirmedSeatsByLeg,
  createPartnerClient,
  eastCoastStoppingRun,
  errorCodeOf,
  eventually,
  expectTakenAsSold,
  outboxBacklog,
  partnerAuthorization,
  quoteOn,
  realStoresAvailable,
  seatMapOf,
  stopAndReadTickets,
  systemStores,
  takenSeatsByLeg,
  travellerAuthorization,
  type BookingView,
  type Passenger,
  type Quote,
  type RunView,
  type SystemStores,
  type TicketsStore,
} from './booking-support.js';
import { startSystem, type GraphQLResponse, type RunningSystem } from './system.js';

/**
 * The booking saga under contention, end to end through the gateway (docs/design.md §4, §5): 300
 * bookings from several travellers and a partner race for the last 50 first-class seats of a
 * run, over journeys that overlap on one leg, and afterwards both stores, tickets' database
 * and inventory's seat state, must agree that nothing was oversold and nothing was lost.
 */
const RACERS = 300;
const SEATS_LEFT = 50;
const CLASS = 'FIRST' as const;
const WINNING_CODES = ['SOLD_OUT', 'SEAT_TAKEN'];

interface Attempt {
  caller: string;
  authorization: string;
  quote: Quote;
  key: string;
  seats?: string[];
  response?: GraphQLResponse<{ bookJourney: BookingView }>;
  transportError?: string;
}

const redisUrl = redisTestUrl();

/**
 * Inventory's state as the Redis engine stores it (docs/internals/seat-inventory.md, Redis keys):
 * the taken bits of one class per leg, as seat ids, and how many of the run's holds are in each
 * status.
 */
async function redisSeatState(prefix: string, trainRun: RunView, seatClass: 'FIRST' | 'STANDARD', seatIds: string[]) {
  const client = new Redis(redisUrl);
  try {
    const run = `${prefix}{run:${trainRun.id}}`;
    // A 128-bit header, then seat after seat, the legs rounded up to 32 bits each, the first
    // leg in the high bit (Redis numbering).
    const bits = (await client.getBuffer(`${run}:seats:${seatClass}`)) ?? Buffer.alloc(0);
    const stride = Math.ceil(trainRun.legCount / 32) * 32;
    const isSet = (bit: number) => ((bits[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1;
    const takenByLeg = Array.from(
      { length: trainRun.legCount },
      (_, leg) => new Set(seatIds.filter((_, seat) => isSet(128 + seat * stride + leg) === 1)),
    );
    // Each stored hold begins with its status letter.
    const names: Record<string, string> = { H: 'HELD', C: 'CONFIRMED', R: 'RELEASED' };
    const holds = { HELD: 0, CONFIRMED: 0, RELEASED: 0 } as Record<string, number>;
    for (const stored of Object.values(await client.hgetall(`${run}:holds`))) {
      const status = names[stored.charAt(0)] ?? stored.charAt(0);
      holds[status] = (holds[status] ?? 0) + 1;
    }
    return { takenByLeg, holds };
  } finally {
    client.disconnect();
  }
}

const realStores = await realStoresAvailable();

function raceSuite(stores: 'embedded' | 'real') {
  let system: RunningSystem;
  let storage: SystemStores | undefined;
  let redisPrefix: string | undefined;
  let trainRun: RunView;
  let bottleneck: number;
  let attempts: Attempt[] = [];
  let callers: Array<{ name: string; authorization: string }> = [];
  let idempotentKey: string;
  let idempotentBookingId: string | undefined;

  beforeAll(async () => {
    storage = await systemStores(stores, 'race');
    redisPrefix = storage.redisPrefix;
    system = await startSystem({ ...storage.env, LOG_LEVEL: 'warn' });
    const partner = await createPartnerClient(storage.env, 'Acme Travel');
    callers = [
      ...(await Promise.all(
        ['ada', 'bob', 'cyd', 'dee'].map(async (name) => ({
          name,
          authorization: await travellerAuthorization(system.gatewayUrl, `${name}@example.com`),
        })),
      )),
      { name: 'acme', authorization: await partnerAuthorization(system.ports.users, partner) },
    ];
    trainRun = await eastCoastStoppingRun(system.gatewayUrl, callers[0]!.authorization);
    bottleneck = Math.floor(trainRun.legCount / 2);
  }, 300_000);

  afterAll(async () => {
    await system?.cleanup();
    await storage?.drop();
  });

  it(`sells the last ${SEATS_LEFT} seats of a leg once to ${RACERS} concurrent bookings over overlapping journeys`, async () => {
    const booker = callers[0]!.authorization;
    // Leave exactly SEATS_LEFT first-class seats on the bottleneck leg; every other leg has more.
    const before = await seatMapOf(system.gatewayUrl, trainRun, bottleneck, bottleneck + 1, CLASS);
    let toSell = before.free.size - SEATS_LEFT;
    expect(toSell).toBeGreaterThan(0);
    for (let n = 0; toSell > 0; n++) {
      const party = Array.from({ length: Math.min(9, toSell) }, () => 'ADULT' as const);
      const quote = await quoteOn(system.gatewayUrl, booker, trainRun, bottleneck, bottleneck + 1, CLASS, party);
      const filled = await bookJourney(system.gatewayUrl, booker, quote, `fill-${n}-${randomBytes(4).toString('hex')}`);
      expect(filled.errors).toBeUndefined();
      toSell -= party.length;
    }
    const lastSeats = [...(await seatMapOf(system.gatewayUrl, trainRun, bottleneck, bottleneck + 1, CLASS)).free];
    expect(lastSeats).toHaveLength(SEATS_LEFT);

    // Every racer travels over the bottleneck leg, boarding before it and alighting after it.
    // Deterministic choices, so a failure can be replayed.
    const random = seededRandom(stores === 'embedded' ? 8 : 12306);
    const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
    const plans = Array.from({ length: RACERS }, (_, n) => {
      const party: Passenger[] = random() < 0.7 ? ['ADULT'] : ['ADULT', 'CHILD'];
      const fromStop = between(0, bottleneck);
      const toStop = between(bottleneck + 1, trainRun.legCount);
      // One in six names its seats from the seat map, as the web app does.
      const seats = n % 6 === 5 ? [...lastSeats].sort(() => random() - 0.5).slice(0, party.length) : undefined;
      return { caller: callers[n % callers.length]!, party, fromStop, toStop, seats };
    });
    const quotes = new Map<string, Quote>();
    const journeyKey = (p: { fromStop: number; toStop: number; party: Passenger[] }) =>
      `${p.fromStop}-${p.toStop}-${p.party.join('+')}`;
    for (const plan of plans) {
      const key = journeyKey(plan);
      if (!quotes.has(key))
        quotes.set(
          key,
          await quoteOn(system.gatewayUrl, booker, trainRun, plan.fromStop, plan.toStop, CLASS, plan.party),
        );
    }
    attempts = plans.map((plan, n) => ({
      caller: plan.caller.name,
      authorization: plan.caller.authorization,
      quote: quotes.get(journeyKey(plan))!,
      key: `race-${n}-${randomBytes(6).toString('hex')}`,
      ...(plan.seats ? { seats: plan.seats } : {}),
    }));

    await Promise.all(
      attempts.map(async (attempt) => {
        try {
          attempt.response = await bookJourney(
            system.gatewayUrl,
            attempt.authorization,
            attempt.quote,
            attempt.key,
            attempt.seats,
          );
        } catch (error) {
          attempt.transportError = String(error);
        }
      }),
    );

    // Invariant 6: every answer is a booking or a contractual sold-out / seat-taken.
    const outcomes = attempts.map(
      (a) => a.transportError ?? a.response?.data?.bookJourney.status ?? errorCodeOf(a.response!),
    );
    const unexpected = attempts.filter((_, i) => outcomes[i] !== 'CONFIRMED' && !WINNING_CODES.includes(outcomes[i]!));
    expect(
      unexpected.map((a) => a.transportError ?? { status: a.response?.status, errors: a.response?.errors }),
    ).toEqual([]);
    for (const attempt of attempts) expect(attempt.response?.status).toBe(200);
    const winners = attempts.filter((a) => a.response?.data?.bookJourney.status === 'CONFIRMED');
    const losers = attempts.filter((a) => a.response?.errors);
    expect(winners.length + losers.length).toBe(RACERS);
    expect(losers.length).toBeGreaterThan(0);

    // Each winner paid what it was quoted, ticket by ticket, one ticket per passenger.
    for (const winner of winners) {
      const booking = winner.response!.data!.bookJourney;
      expect(booking.total.amountMinor).toBe(winner.quote.totalMinor);
      expect(booking.tickets).toHaveLength(winner.quote.passengers.length);
      expect(booking.tickets.reduce((sum, t) => sum + t.fare.amountMinor, 0)).toBe(booking.total.amountMinor);
      if (winner.seats)
        expect(booking.tickets.map((t) => `${t.coach}-${t.seat}`).sort()).toEqual([...winner.seats].sort());
    }

    // No lost sale: no releases happen in this race, so seats only ever become taken, and a
    // loser's refusal must still be true of the final state.
    await eventually('the outbox is empty', async () => (await outboxBacklog(system.ports.tickets)) === 0);
    const taken = await takenSeatsByLeg(system.gatewayUrl, trainRun, CLASS);
    const allSeats = (await seatMapOf(system.gatewayUrl, trainRun, 0, 1, CLASS)).seats;
    const freeOn = (fromStop: number, toStop: number) =>
      allSeats.filter((seat) => taken.slice(fromStop, toStop).every((leg) => !leg.has(seat)));
    for (const loser of losers) {
      const { fromStop, toStop, passengers } = loser.quote;
      if (loser.seats) expect(loser.seats.some((seat) => !freeOn(fromStop, toStop).includes(seat))).toBe(true);
      else {
        expect(errorCodeOf(loser.response!)).toBe('SOLD_OUT');
        expect(freeOn(fromStop, toStop).length).toBeLessThan(passengers.length);
      }
    }
    const seatsWon = winners.reduce((sum, w) => sum + w.quote.passengers.length, 0);
    expect(seatsWon).toBe(SEATS_LEFT - freeOn(bottleneck, bottleneck + 1).length);
    expect(seatsWon).toBeGreaterThan(SEATS_LEFT - 2);
  }, 300_000);

  it('makes one booking of an idempotency key sent 20 times at once, and refuses the key for another request', async () => {
    const [ada] = callers;
    const quote = await quoteOn(system.gatewayUrl, ada!.authorization, trainRun, 0, 3, 'STANDARD', ['ADULT', 'SENIOR']);
    idempotentKey = `retry-${randomBytes(6).toString('hex')}`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => bookJourney(system.gatewayUrl, ada!.authorization, quote, idempotentKey)),
    );
    const ids = new Set(answers.flatMap((a) => (a.data ? [a.data.bookJourney.id] : [])));
    expect(ids.size).toBe(1);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      if (answer.errors) expect(errorCodeOf(answer)).toBe('IDEMPOTENCY_IN_PROGRESS');
      else expect(answer.data?.bookJourney.status).toBe('CONFIRMED');
    }
    idempotentBookingId = [...ids][0];
    const again = await bookJourney(system.gatewayUrl, ada!.authorization, quote, idempotentKey);
    expect(again.data?.bookJourney.id).toBe(idempotentBookingId);

    const other = await quoteOn(system.gatewayUrl, ada!.authorization, trainRun, 0, 3, 'STANDARD', ['ADULT']);
    const reused = await bookJourney(system.gatewayUrl, ada!.authorization, other, idempotentKey);
    expect(errorCodeOf(reused)).toBe('IDEMPOTENCY_KEY_REUSED');
    // Another traveller's key space is their own.
    const bob = callers[1]!;
    const own = await bookJourney(system.gatewayUrl, bob.authorization, other, idempotentKey);
    expect(own.data?.bookJourney.status).toBe('CONFIRMED');
    expect(own.data?.bookJourney.id).not.toBe(idempotentBookingId);
  }, 120_000);

  it('leaves tickets and inventory agreeing on design §5 invariants 1-6', async () => {
    expect(attempts).toHaveLength(RACERS);
    await eventually('the outbox is empty', async () => (await outboxBacklog(system.ports.tickets)) === 0);
    const takenByClass = {
      FIRST: await takenSeatsByLeg(system.gatewayUrl, trainRun, 'FIRST'),
      STANDARD: await takenSeatsByLeg(system.gatewayUrl, trainRun, 'STANDARD'),
    };
    const seatIds = {
      FIRST: (await seatMapOf(system.gatewayUrl, trainRun, 0, 1, 'FIRST')).seats,
      STANDARD: (await seatMapOf(system.gatewayUrl, trainRun, 0, 1, 'STANDARD')).seats,
    };
    const store: TicketsStore = await stopAndReadTickets(system, storage!);

    // 1. No seat sold twice on any leg. 2. Taken in inventory = on confirmed tickets + in
    // live holds; no attempt is live now.
    expectTakenAsSold(store, trainRun, takenByClass);
    for (const seatClass of ['FIRST', 'STANDARD'] as const) {
      const sold = confirmedSeatsByLeg(store, trainRun, seatClass);
      if (redisPrefix) {
        // The same, read from Redis itself: its bitmaps, and no hold of the run still HELD.
        const redis = await redisSeatState(redisPrefix, trainRun, seatClass, seatIds[seatClass]);
        for (let leg = 0; leg < trainRun.legCount; leg++) {
          expect([...redis.takenByLeg[leg]!].sort()).toEqual([...sold[leg]!].sort());
        }
        expect(redis.holds['HELD']).toBe(0);
      }
    }
    if (redisPrefix) {
      const redis = await redisSeatState(redisPrefix, trainRun, 'FIRST', seatIds.FIRST);
      const confirmedOnRun = store.bookings.filter((b) => b.runId === trainRun.id && b.status === 'CONFIRMED');
      expect(redis.holds['CONFIRMED']).toBe(confirmedOnRun.length);
    }

    // 3. One effect per idempotency key: each racer's key made one booking, the winners' the
    // one they were answered with; or none, for a loser the queue's sold-out memo answered
    // (docs/design.md §4, "The queue at a rush": SOLD_OUT, nothing written).
    const byKey = new Map<string, typeof store.bookings>();
    for (const booking of store.bookings) {
      const key = `${booking.ownerKind}/${booking.ownerId}/${booking.idempotencyKey}`;
      byKey.set(key, [...(byKey.get(key) ?? []), booking]);
    }
    for (const same of byKey.values()) expect(same).toHaveLength(1);
    const answeredByMemo = new Set<string>();
    for (const attempt of attempts) {
      const made = store.bookings.filter((b) => b.idempotencyKey === attempt.key);
      const answered = attempt.response?.data?.bookJourney;
      if (!answered && made.length === 0) {
        expect(errorCodeOf(attempt.response!)).toBe('SOLD_OUT');
        answeredByMemo.add(attempt.key);
        continue;
      }
      expect(made).toHaveLength(1);
      const booking = made[0]!;
      if (answered) {
        expect(booking).toMatchObject({ id: answered.id, status: 'CONFIRMED' });
      } else {
        expect(booking).toMatchObject({ status: 'FAILED', failureCode: errorCodeOf(attempt.response!) });
        expect(booking.tickets).toEqual([]);
      }
    }
    // The partner's attempts went through the same saga, recorded as the client's own.
    const partnerAttempts = attempts.filter((a) => a.caller === 'acme' && !answeredByMemo.has(a.key)).length;
    expect(store.bookings.filter((b) => b.ownerKind === 'CLIENT' && b.idempotencyKey.startsWith('race-'))).toHaveLength(
      partnerAttempts,
    );
    expect(store.bookings.filter((b) => b.idempotencyKey === idempotentKey)).toHaveLength(2);
    expect(store.bookings.find((b) => b.id === idempotentBookingId)?.tickets).toHaveLength(2);

    // 4. Money is conserved: a booking's total is the sum of its ticket fares.
    for (const booking of store.bookings.filter((b) => b.status === 'CONFIRMED')) {
      expect(booking.tickets.reduce((sum, t) => sum + t.fareMinor, 0)).toBe(booking.totalMinor);
    }

    // 5. Nothing is PENDING, and no saga step is left in the outbox.
    expect(store.bookings.filter((b) => b.status === 'PENDING')).toEqual([]);
    expect(store.outbox).toEqual([]);
    // Every attempt was settled well within the hold TTL (120 s).
    for (const booking of store.bookings) {
      expect(booking.updatedAt.getTime() - booking.createdAt.getTime()).toBeLessThan(120_000);
    }

    // 6. Losers were told SOLD_OUT or SEAT_TAKEN (checked as they answered), and recorded so.
    const failures = store.bookings.filter((b) => b.status === 'FAILED');
    expect(failures.length).toBeGreaterThan(0);
    for (const failed of failures) expect(WINNING_CODES).toContain(failed.failureCode);
  }, 120_000);
}

describe('the booking race through the gateway on the embedded defaults', () => raceSuite('embedded'));
describe.runIf(realStores)('the booking race through the gateway on PostgreSQL and Redis', () => raceSuite('real'));
