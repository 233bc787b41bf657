import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startSystem, type RunningSystem } from './system.js';

/**
 * Cancellation through the gateway: the departure trains knows reaches tickets through
 * prices' quote (`@requires`), the refund is quoted and applied by rule, and the seats go
 * back on sale.
 */
let system: RunningSystem;

const inDays = (days: number) => new Date(Date.now() + days * 24 * 3600_000).toISOString().slice(0, 10);

interface Journey {
  runId: string;
  departure: string;
  origin: { timeZone: string };
  availability: Array<{ seatClass: string; seatsLeft: number }>;
  fares: Array<{ seatClass: string; total: { amountMinor: number }; quoteToken: string }>;
}

async function signUp(email: string): Promise<string> {
  const result = await graphql<{ signUp: { accessToken: string } }>(
    system.gatewayUrl,
    'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
    { input: { email, password: 'correct horse battery', name: 'Traveller' } },
  );
  expect(result.errors).toBeUndefined();
  return result.data!.signUp.accessToken;
}

async function journeyInDays(days: number): Promise<{ from: string; to: string; journey: Journey }> {
  const stations = await graphql<{ stations: Array<{ code: string }> }>(
    system.gatewayUrl,
    '{ stations(first: 100) { code } }',
  );
  const [from, ...others] = stations.data?.stations.map((s) => s.code) ?? [];
  for (const to of others) {
    const result = await graphql<{ searchJourneys: Journey[] }>(
      system.gatewayUrl,
      `
        query ($from: String!, $to: String!, $date: Date!) {
          searchJourneys(from: $from, to: $to, date: $date, first: 1) {
            runId
            departure
            origin {
              timeZone
            }
            availability {
              seatClass
              seatsLeft
            }
            fares(passengers: [{ type: ADULT }, { type: CHILD }]) {
              seatClass
              total {
                amountMinor
              }
              quoteToken
            }
          }
        }
      `,
      { from, to, date: inDays(days) },
    );
    expect(result.errors).toBeUndefined();
    const journey = result.data?.searchJourneys[0];
    if (journey) return { from: from!, to, journey };
  }
  throw new Error(`no journey in ${days} days`);
}

async function standardSeatsLeft(from: string, to: string, days: number, runId: string): Promise<number | undefined> {
  const result = await graphql<{ searchJourneys: Journey[] }>(
    system.gatewayUrl,
    'query($from: String!, $to: String!, $date: Date!) { searchJourneys(from: $from, to: $to, date: $date, first: 5) { runId availability { seatClass seatsLeft } } }',
    { from, to, date: inDays(days) },
  );
  return result.data?.searchJourneys
    .find((j) => j.runId === runId)
    ?.availability.find((a) => a.seatClass === 'STANDARD')?.seatsLeft;
}

beforeAll(async () => {
  system = await startSystem();
}, 180_000);

afterAll(async () => {
  await system?.cleanup();
});

describe('cancelling a booking through the gateway', () => {
  it('quotes the refund by the rule, refunds it on cancellation and puts the seats back on sale', async () => {
    const token = await signUp('refund@example.com');
    const auth = { authorization: `Bearer ${token}` };
    const days = 3;
    const { from, to, journey } = await journeyInDays(days);
    const offer = journey.fares.find((f) => f.seatClass === 'STANDARD')!;
    const seatsBefore = await standardSeatsLeft(from, to, days, journey.runId);

    const booked = await graphql<{ bookJourney: { id: string; total: { amountMinor: number } } }>(
      system.gatewayUrl,
      'mutation($input: BookJourneyInput!) { bookJourney(input: $input) { id total { amountMinor } } }',
      {
        input: {
          quoteToken: offer.quoteToken,
          passengers: [
            { type: 'ADULT', name: 'Ada Lovelace' },
            { type: 'CHILD', name: 'Noor Lovelace' },
          ],
          idempotencyKey: `refund-${Date.now()}`,
          paymentMethod: 'pm_card_visa',
        },
      },
      auth,
    );
    expect(booked.errors).toBeUndefined();
    const bookingId = booked.data!.bookJourney.id;
    expect(await standardSeatsLeft(from, to, days, journey.runId)).toBe(seatsBefore! - 2);

    const quoted = await graphql<{
      refundQuote: {
        amount: { amountMinor: number; currency: string };
        paid: { amountMinor: number };
        refundPercent: number;
        tickets: Array<{ ticketId: string; amount: { amountMinor: number } }>;
        departure: string;
        validUntil: string;
        rule: string;
      };
    }>(
      system.gatewayUrl,
      `
        query ($id: ID!) {
          refundQuote(bookingId: $id) {
            amount {
              amountMinor
              currency
            }
            paid {
              amountMinor
            }
            refundPercent
            tickets {
              ticketId
              amount {
                amountMinor
              }
            }
            departure
            validUntil
            rule
          }
        }
      `,
      { id: bookingId },
      auth,
    );
    expect(quoted.errors).toBeUndefined();
    const quote = quoted.data!.refundQuote;
    // Three days ahead: the full fare back, reckoned from the departure trains published.
    expect(quote.refundPercent).toBe(100);
    expect(quote.amount.amountMinor).toBe(offer.total.amountMinor);
    expect(quote.paid.amountMinor).toBe(offer.total.amountMinor);
    expect(quote.tickets).toHaveLength(2);
    expect(new Date(quote.departure).getTime()).toBe(new Date(journey.departure).getTime());
    expect(quote.rule).toContain(journey.origin.timeZone);
    expect(new Date(quote.validUntil).getTime()).toBeLessThan(new Date(journey.departure).getTime());

    const cancelled = await graphql<{
      cancelBooking: { status: string; refund: { amount: { amountMinor: number }; refundPercent: number } };
    }>(
      system.gatewayUrl,
      'mutation($id: ID!) { cancelBooking(id: $id) { status refund { amount { amountMinor } refundPercent } } }',
      { id: bookingId },
      auth,
    );
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data?.cancelBooking).toEqual({
      status: 'REFUNDED',
      refund: { amount: { amountMinor: offer.total.amountMinor }, refundPercent: 100 },
    });
    expect(await standardSeatsLeft(from, to, days, journey.runId)).toBe(seatsBefore);

    // The tickets' codes are still genuine, but the online check knows they were cancelled.
    const codes = await graphql<{ booking: { tickets: Array<{ code: string }> } }>(
      system.gatewayUrl,
      'query($id: ID!) { booking(id: $id) { tickets { code } } }',
      { id: bookingId },
      auth,
    );
    const validation = await graphql<{ validateTicket: { valid: boolean; status: string; reason: string } }>(
      system.gatewayUrl,
      'query($code: String!) { validateTicket(code: $code) { valid status reason } }',
      { code: codes.data?.booking.tickets[0]?.code },
    );
    expect(validation.data?.validateTicket).toEqual({
      valid: false,
      status: 'CANCELLED',
      reason: 'The booking was refunded',
    });

    const again = await graphql(
      system.gatewayUrl,
      'mutation($id: ID!) { cancelBooking(id: $id) { status } }',
      { id: bookingId },
      auth,
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_CANCELLABLE');
    const requoted = await graphql(
      system.gatewayUrl,
      'query($id: ID!) { refundQuote(bookingId: $id) { amount { amountMinor } } }',
      { id: bookingId },
      auth,
    );
    expect(requoted.errors?.[0]?.extensions?.code).toBe('NOT_CANCELLABLE');

    const stranger = await signUp('stranger@example.com');
    const theirs = await graphql(
      system.gatewayUrl,
      'query($id: ID!) { refundQuote(bookingId: $id) { amount { amountMinor } } }',
      { id: bookingId },
      { authorization: `Bearer ${stranger}` },
    );
    expect(theirs.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    for (const response of [again, requoted, theirs]) expect(response.status).toBeLessThan(500);
  });

  it("pages through the traveller's bookings newest first", async () => {
    const token = await signUp('pages@example.com');
    const auth = { authorization: `Bearer ${token}` };
    const made: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { journey } = await journeyInDays(3);
      const booked = await graphql<{ bookJourney: { id: string } }>(
        system.gatewayUrl,
        'mutation($input: BookJourneyInput!) { bookJourney(input: $input) { id } }',
        {
          input: {
            quoteToken: journey.fares.find((f) => f.seatClass === 'STANDARD')!.quoteToken,
            passengers: [
              { type: 'ADULT', name: 'Ada Lovelace' },
              { type: 'CHILD', name: 'Noor Lovelace' },
            ],
            idempotencyKey: `pages-${i}-${Date.now()}`,
            paymentMethod: 'pm_card_visa',
          },
        },
        auth,
      );
      expect(booked.errors).toBeUndefined();
      made.push(booked.data!.bookJourney.id);
    }
    const page = (after: string | null) =>
      graphql<{ me: { bookings: Array<{ id: string }> } }>(
        system.gatewayUrl,
        'query($after: ID) { me { bookings(first: 2, after: $after) { id } } }',
        { after },
        auth,
      );
    const first = await page(null);
    expect(first.errors).toBeUndefined();
    const firstIds = first.data!.me.bookings.map((b) => b.id);
    const second = await page(firstIds[1]!);
    expect([...firstIds, ...second.data!.me.bookings.map((b) => b.id)]).toEqual([...made].reverse());
    const tooMany = await graphql(system.gatewayUrl, '{ me { bookings(first: 51) { id } } }', {}, auth);
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
