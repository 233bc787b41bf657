import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookJourney,
  eastCoastStoppingRun,
  errorCodeOf,
  eventually,
  expectTakenAsSold,
  outboxBacklog,
  quoteOn,
  realStoresAvailable,
  seatMapOf,
  stopAndReadTickets,
  systemStores,
  takenSeatsByLeg,
  travellerAuthorization,
  type RunView,
  type SeatClass,
  type SystemStores,
} from './booking-support.js';
import { graphql, startSystem, type GraphQLResponse, type RunningSystem } from './system.js';

/**
 * Cancelling single tickets through the gateway (issue #8): the cancelled seat goes back on sale
 * through the outbox and inventory's RELEASE_SEATS step, someone else can buy it, and under
 * concurrent cancellations of single tickets and whole bookings each ticket is refunded once and
 * inventory's seats equal the active tickets' (docs/design.md §5, invariants 2 and 4), on the
 * embedded defaults and on PostgreSQL with Redis.
 */

interface TicketView {
  id: string;
  coach: number;
  seat: string;
  status: 'ACTIVE' | 'CANCELLED';
  fare: { amountMinor: number };
}

interface RefundView {
  amount: { amountMinor: number };
  tickets: Array<{ ticketId: string; amount: { amountMinor: number } }>;
}

interface BookingDetail {
  id: string;
  status: string;
  total: { amountMinor: number };
  tickets: TicketView[];
  refunds: RefundView[];
}

const BOOKING_FIELDS = `id status total { amountMinor } tickets { id coach seat status fare { amountMinor } }
  refunds { amount { amountMinor } tickets { ticketId amount { amountMinor } } }`;
const CANCEL_TICKETS = `mutation($bookingId: ID!, $ticketIds: [ID!]!) {
  cancelTickets(bookingId: $bookingId, ticketIds: $ticketIds) { ${BOOKING_FIELDS} }
}`;
const CANCEL_BOOKING = `mutation($id: ID!) { cancelBooking(id: $id) { ${BOOKING_FIELDS} } }`;
const BOOKING = `query($id: ID!) { booking(id: $id) { ${BOOKING_FIELDS} } }`;
const QUOTE = `query($bookingId: ID!, $ticketIds: [ID!]) {
  refundQuote(bookingId: $bookingId, ticketIds: $ticketIds) { amount { amountMinor } paid { amountMinor } refundPercent tickets { ticketId } }
}`;

const seatIdOf = (t: { coach: number; seat: string }) => `${t.coach}-${t.seat}`;
const realStores = await realStoresAvailable();

function cancellationSuite(stores: 'embedded' | 'real') {
  let system: RunningSystem;
  let storage: SystemStores | undefined;
  let trainRun: RunView;
  let ada: string;
  let bob: string;

  const book = async (
    authorization: string,
    seatClass: SeatClass,
    fromStop: number,
    toStop: number,
    party: number,
    seats?: string[],
  ) => {
    const quote = await quoteOn(
      system.gatewayUrl,
      authorization,
      trainRun,
      fromStop,
      toStop,
      seatClass,
      Array.from({ length: party }, () => 'ADULT' as const),
    );
    const answer = await bookJourney(
      system.gatewayUrl,
      authorization,
      quote,
      `cancel-${randomBytes(6).toString('hex')}`,
      seats,
    );
    return answer;
  };
  const booking = async (authorization: string, id: string) => {
    const answer = await graphql<{ booking: BookingDetail }>(system.gatewayUrl, BOOKING, { id }, { authorization });
    expect(answer.errors).toBeUndefined();
    return answer.data!.booking;
  };

  beforeAll(async () => {
    storage = await systemStores(stores, 'cancel');
    system = await startSystem({ ...storage.env, LOG_LEVEL: 'warn' });
    ada = await travellerAuthorization(system.gatewayUrl, 'ada@example.com');
    bob = await travellerAuthorization(system.gatewayUrl, 'bob@example.com');
    trainRun = await eastCoastStoppingRun(system.gatewayUrl, ada);
  }, 300_000);

  afterAll(async () => {
    await system?.cleanup();
    await storage?.drop();
  });

  it('puts a cancelled single seat back on sale, and someone else buys it', async () => {
    const booked = await book(ada, 'STANDARD', 1, 4, 2);
    expect(booked.errors).toBeUndefined();
    const bookingId = booked.data!.bookJourney.id;
    const [kept, given] = (await booking(ada, bookingId)).tickets;
    const givenSeat = seatIdOf(given!);
    expect((await seatMapOf(system.gatewayUrl, trainRun, 1, 4, 'STANDARD')).free.has(givenSeat)).toBe(false);

    const quoted = await graphql<{
      refundQuote: {
        amount: { amountMinor: number };
        paid: { amountMinor: number };
        refundPercent: number;
        tickets: Array<{ ticketId: string }>;
      };
    }>(system.gatewayUrl, QUOTE, { bookingId, ticketIds: [given!.id] }, { authorization: ada });
    expect(quoted.errors).toBeUndefined();
    // Tomorrow's train: full or half refund by the hour the test runs; the amount follows the percent.
    const quote = quoted.data!.refundQuote;
    expect(quote.tickets).toEqual([{ ticketId: given!.id }]);
    expect(quote.paid.amountMinor).toBe(given!.fare.amountMinor);
    expect(quote.amount.amountMinor).toBe(Math.floor((given!.fare.amountMinor * quote.refundPercent) / 100));

    const cancelled = await graphql<{ cancelTickets: BookingDetail }>(
      system.gatewayUrl,
      CANCEL_TICKETS,
      { bookingId, ticketIds: [given!.id] },
      { authorization: ada },
    );
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data!.cancelTickets).toMatchObject({
      status: 'CONFIRMED',
      tickets: [
        { id: kept!.id, status: 'ACTIVE' },
        { id: given!.id, status: 'CANCELLED' },
      ],
      refunds: [{ amount: quote.amount, tickets: [{ ticketId: given!.id, amount: quote.amount }] }],
    });
    await eventually('the outbox is empty', async () => (await outboxBacklog(system.ports.tickets)) === 0);
    const map = await seatMapOf(system.gatewayUrl, trainRun, 1, 4, 'STANDARD');
    expect(map.free.has(givenSeat)).toBe(true);
    expect(map.free.has(seatIdOf(kept!))).toBe(false);

    // Bob books exactly that seat, on an overlapping journey.
    const resold = await book(bob, 'STANDARD', 2, 5, 1, [givenSeat]);
    expect(resold.errors).toBeUndefined();
    expect(resold.data!.bookJourney.tickets.map(seatIdOf)).toEqual([givenSeat]);

    // The ticket cannot be cancelled twice; Bob cannot touch Ada's booking; bad lists change nothing.
    const again = await graphql(
      system.gatewayUrl,
      CANCEL_TICKETS,
      { bookingId, ticketIds: [given!.id] },
      { authorization: ada },
    );
    expect(errorCodeOf(again)).toBe('NOT_CANCELLABLE');
    const foreign = await graphql(
      system.gatewayUrl,
      CANCEL_TICKETS,
      { bookingId, ticketIds: [kept!.id] },
      { authorization: bob },
    );
    expect(errorCodeOf(foreign)).toBe('NOT_FOUND');
    const empty = await graphql(
      system.gatewayUrl,
      CANCEL_TICKETS,
      { bookingId, ticketIds: [] },
      { authorization: ada },
    );
    expect(errorCodeOf(empty)).toBe('BAD_USER_INPUT');
    const mixed = await graphql(
      system.gatewayUrl,
      CANCEL_TICKETS,
      { bookingId, ticketIds: [kept!.id, resold.data!.bookJourney.id] },
      { authorization: ada },
    );
    expect(errorCodeOf(mixed)).toBe('BAD_USER_INPUT');
    for (const answer of [again, foreign, empty, mixed]) expect(answer.status).toBe(200);
    expect((await booking(ada, bookingId)).tickets.map((t) => t.status)).toEqual(['ACTIVE', 'CANCELLED']);
    expect((await seatMapOf(system.gatewayUrl, trainRun, 1, 4, 'STANDARD')).free.has(seatIdOf(kept!))).toBe(false);

    // Inspectors see the cancelled ticket as cancelled, the kept one not.
    const codes = await graphql<{ booking: { tickets: Array<{ id: string; code: string }> } }>(
      system.gatewayUrl,
      'query($id: ID!) { booking(id: $id) { tickets { id code } } }',
      { id: bookingId },
      { authorization: ada },
    );
    const statusOf = async (code: string) =>
      (
        await graphql<{ validateTicket: { status: string } }>(
          system.gatewayUrl,
          'query($code: String!) { validateTicket(code: $code) { status } }',
          { code },
        )
      ).data?.validateTicket.status;
    const [keptCode, givenCode] = codes.data!.booking.tickets.map((t) => t.code);
    expect(await statusOf(givenCode!)).toBe('CANCELLED');
    expect(['VALID', 'NOT_VALID_TODAY']).toContain(await statusOf(keptCode!));
  }, 120_000);

  it('refunds each ticket once and leaves inventory holding exactly the active tickets under concurrent cancellations', async () => {
    // Six bookings of four first-class seats over overlapping journeys.
    const made: Array<{ id: string; tickets: TicketView[] }> = [];
    for (let n = 0; n < 6; n += 1) {
      const answer = await book(ada, 'FIRST', n % 3, 5 + (n % 4), 4);
      expect(answer.errors).toBeUndefined();
      made.push({
        id: answer.data!.bookJourney.id,
        tickets: (await booking(ada, answer.data!.bookJourney.id)).tickets,
      });
    }
    await eventually('the outbox is empty', async () => (await outboxBacklog(system.ports.tickets)) === 0);

    // For every booking at once: its first ticket twice, the second and third together, the
    // third and fourth together, and the whole booking twice; meanwhile Bob tries to buy
    // each first ticket's seat (SEAT_TAKEN until it is released).
    const cancellations: Array<Promise<GraphQLResponse<unknown>>> = [];
    const purchases: Array<Promise<GraphQLResponse<unknown>>> = [];
    made.forEach(({ id, tickets }, n) => {
      const [t1, t2, t3, t4] = tickets.map((t) => t.id);
      const cancelTickets = (ticketIds: string[]) =>
        graphql(system.gatewayUrl, CANCEL_TICKETS, { bookingId: id, ticketIds }, { authorization: ada });
      const cancelBooking = () => graphql(system.gatewayUrl, CANCEL_BOOKING, { id }, { authorization: ada });
      const all: Array<() => Promise<GraphQLResponse<unknown>>> = [
        () => cancelTickets([t1!]),
        () => cancelTickets([t1!]),
        () => cancelTickets([t2!, t3!]),
        () => cancelTickets([t3!, t4!]),
        () => cancelBooking(),
        () => cancelBooking(),
      ];
      // Each booking gets its own order, so the whole-booking cancellation lands at different points.
      for (let i = 0; i < all.length; i += 1) cancellations.push(all[(i + n) % all.length]!());
      purchases.push(book(bob, 'FIRST', n % 3, 5 + (n % 4), 1, [seatIdOf(tickets[0]!)]));
    });
    // A cancellation succeeds or is refused as already done; a purchase wins, finds the seat
    // still taken, or (a busy machine) gives up waiting for inventory. Never a 500.
    for (const answer of await Promise.all(cancellations)) {
      expect(answer.status).toBe(200);
      if (answer.errors) expect(errorCodeOf(answer)).toBe('NOT_CANCELLABLE');
    }
    for (const answer of await Promise.all(purchases)) {
      expect(answer.status).toBe(200);
      if (answer.errors) expect(['SEAT_TAKEN', 'SERVICE_UNAVAILABLE']).toContain(errorCodeOf(answer));
    }

    for (const { id, tickets } of made) {
      const after = await booking(ada, id);
      // The whole-booking cancellation always finds a ticket left: the booking ends.
      expect(['REFUNDED', 'CANCELLED']).toContain(after.status);
      expect(after.tickets.every((t) => t.status === 'CANCELLED')).toBe(true);
      // Each ticket refunded exactly once, never more than its fare; the sum never more than paid.
      const lines = after.refunds.flatMap((r) => r.tickets);
      expect(lines.map((l) => l.ticketId).sort()).toEqual(tickets.map((t) => t.id).sort());
      for (const line of lines)
        expect(line.amount.amountMinor).toBeLessThanOrEqual(
          tickets.find((t) => t.id === line.ticketId)!.fare.amountMinor,
        );
      expect(after.refunds.reduce((sum, r) => sum + r.amount.amountMinor, 0)).toBeLessThanOrEqual(
        after.total.amountMinor,
      );
    }

    // Inventory holds exactly the seats of active tickets (Ada's from the first test, Bob's),
    // read from inventory's seat map and compared with tickets' own database.
    await eventually('the outbox is empty', async () => (await outboxBacklog(system.ports.tickets)) === 0);
    const taken = {
      FIRST: await takenSeatsByLeg(system.gatewayUrl, trainRun, 'FIRST'),
      STANDARD: await takenSeatsByLeg(system.gatewayUrl, trainRun, 'STANDARD'),
    };
    const store = await stopAndReadTickets(system, storage!);
    expectTakenAsSold(store, trainRun, taken);
    expect(store.outbox).toEqual([]);
  }, 300_000);
}

describe('cancelling single tickets through the gateway on the embedded defaults', () => cancellationSuite('embedded'));
describe.runIf(realStores)('cancelling single tickets through the gateway on PostgreSQL and Redis', () =>
  cancellationSuite('real'),
);
