import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants, readRunClassState } from '@railgraph/invariants';
import {
  createPartnerClient,
  errorCodeOf,
  eventually,
  outboxBacklog,
  partnerAuthorization,
  realStoresAvailable,
  stopAndReadTickets,
  systemStores,
  tomorrow,
  travellerAuthorization,
  type SystemStores,
} from './booking-support.js';
import { graphql, startSystem, type RunningSystem } from './system.js';

/**
 * A cancelled train end to end (docs/design.md §4, "Disruptions"): an operator cancels a run
 * through the gateway; trains stops offering it, tickets takes the cancellation in from trains'
 * feed, marks the traveller's booking disrupted and tells them, refuses a late booking of the
 * run, and refunds the booking in full; the invariants hold afterwards.
 */
const FROM = 'AMS';
const TO = 'RTD';

const realStores = await realStoresAvailable();
const stores: 'embedded' | 'real' = realStores ? 'real' : 'embedded';

interface JourneyView {
  runId: string;
  fares: Array<{ seatClass: string; quoteToken: string; total: { amountMinor: number } }>;
}

describe(`a cancelled train through the gateway (${stores} stores)`, () => {
  let system: RunningSystem;
  let storage: SystemStores;
  let traveller: string;
  let operator: string;

  const journeys = async () => {
    const found = await graphql<{ searchJourneys: JourneyView[] }>(
      system.gatewayUrl,
      `
        query ($from: String!, $to: String!, $date: Date!) {
          searchJourneys(from: $from, to: $to, date: $date, first: 10) {
            runId
            fares(passengers: [{ type: ADULT }]) {
              seatClass
              quoteToken
              total {
                amountMinor
              }
            }
          }
        }
      `,
      { from: FROM, to: TO, date: tomorrow() },
    );
    expect(found.errors).toBeUndefined();
    return found.data!.searchJourneys;
  };

  const book = (quoteToken: string) =>
    graphql<{ bookJourney: { id: string; status: string } }>(
      system.gatewayUrl,
      `
        mutation ($input: BookJourneyInput!) {
          bookJourney(input: $input) {
            id
            status
          }
        }
      `,
      {
        input: {
          quoteToken,
          passengers: [{ type: 'ADULT', name: 'Ada Disrupted' }],
          idempotencyKey: `book-${randomBytes(6).toString('hex')}`,
          paymentMethod: 'pm_card_visa',
        },
      },
      { authorization: traveller },
    );

  beforeAll(async () => {
    storage = await systemStores(stores, 'disruption');
    system = await startSystem({ ...storage.env, LOG_LEVEL: 'warn' });
    const client = await createPartnerClient(storage.env, 'Rail Operations', 'operations:write');
    operator = await partnerAuthorization(system.ports.users, client);
    traveller = await travellerAuthorization(system.gatewayUrl, 'disrupted@example.com');
  }, 300_000);

  afterAll(async () => {
    await system?.cleanup();
    await storage?.drop();
  });

  it('marks the booking disrupted, stops selling the run, and refunds the traveller in full', async () => {
    const [journey] = await journeys();
    const offer = journey!.fares.find((f) => f.seatClass === 'STANDARD')!;
    const booked = await book(offer.quoteToken);
    expect(booked.data?.bookJourney.status).toBe('CONFIRMED');
    const bookingId = booked.data!.bookJourney.id;

    // Only an operator may cancel a run.
    const cancel = (authorization: string) =>
      graphql<{ cancelTrainRun: { id: string; cancellation: { reason: string; source: string } | null } }>(
        system.gatewayUrl,
        `
          mutation ($id: ID!) {
            cancelTrainRun(runId: $id, reason: "Signal failure at Schiphol") {
              id
              cancellation {
                reason
                source
              }
            }
          }
        `,
        { id: journey!.runId },
        { authorization },
      );
    expect(errorCodeOf(await cancel(traveller))).toBe('FORBIDDEN');
    const cancelled = await cancel(operator);
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data?.cancelTrainRun.cancellation).toEqual({
      reason: 'Signal failure at Schiphol',
      source: 'OPERATOR',
    });
    expect((await journeys()).map((j) => j.runId)).not.toContain(journey!.runId);

    const disruptionOf = async () =>
      (
        await graphql<{ booking: { disruption: { runId: string; reason: string; leg: number } | null } }>(
          system.gatewayUrl,
          'query($id: ID!) { booking(id: $id) { disruption { runId reason leg } } }',
          { id: bookingId },
          { authorization: traveller },
        )
      ).data?.booking.disruption;
    await eventually('tickets marks the booking disrupted', async () => (await disruptionOf()) != null, 30_000);
    expect(await disruptionOf()).toEqual({ runId: journey!.runId, reason: 'Signal failure at Schiphol', leg: 0 });
    const events = async () =>
      (
        await graphql<{ bookingEvents: Array<{ type: string; bookingId: string; reason: string | null }> }>(
          system.gatewayUrl,
          '{ bookingEvents(first: 50) { type bookingId reason } }',
          {},
          { authorization: traveller },
        )
      ).data?.bookingEvents ?? [];
    // Published with the marking, or by the next publishing pass.
    await eventually('the event is in the stream', async () => (await events()).length === 2, 10_000);
    expect(await events()).toContainEqual({
      type: 'BOOKING_DISRUPTED',
      bookingId,
      reason: 'Signal failure at Schiphol',
    });

    // A quote issued before the cancellation no longer books the run.
    expect(errorCodeOf(await book(offer.quoteToken))).toBe('RUN_CANCELLED');

    const refund = await graphql<{ refundQuote: { refundPercent: number; amount: { amountMinor: number } } }>(
      system.gatewayUrl,
      'query($id: ID!) { refundQuote(bookingId: $id) { refundPercent amount { amountMinor } } }',
      { id: bookingId },
      { authorization: traveller },
    );
    expect(refund.data?.refundQuote).toEqual({ refundPercent: 100, amount: { amountMinor: offer.total.amountMinor } });
    const ended = await graphql<{ cancelBooking: { status: string } }>(
      system.gatewayUrl,
      'mutation($id: ID!) { cancelBooking(id: $id) { status } }',
      { id: bookingId },
      { authorization: traveller },
    );
    expect(ended.data?.cancelBooking.status).toBe('REFUNDED');

    await eventually('the outbox drains', async () => (await outboxBacklog(system.ports.tickets)) === 0);
    const inventory = await Promise.all(
      (['FIRST', 'STANDARD'] as const).map((c) => readRunClassState(system.gatewayUrl, journey!.runId, c)),
    );
    const store = await stopAndReadTickets(system, storage);
    const broken = checkInvariants({ store, inventory, pendingBoundMs: 130_000, now: new Date() }).filter((r) => !r.ok);
    expect(broken).toEqual([]);
  }, 240_000);
});
