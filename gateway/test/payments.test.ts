import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './booking-support.js';
import { graphql, startSystem, type RunningSystem } from './system.js';

/**
 * The sale through the gateway (docs/design.md §4): a traveller pays with the embedded sandbox
 * provider's test cards; errors come back with the contract's codes and extensions, and
 * `Booking.payment` shows what was charged and refunded.
 */
let system: RunningSystem;

const inDays = (days: number) => new Date(Date.now() + days * 24 * 3600_000).toISOString().slice(0, 10);

interface BookedView {
  id: string;
  status: string;
  total: { amountMinor: number };
  payment: {
    status: string;
    amount: { amountMinor: number };
    refunded: { amountMinor: number };
    method: string | null;
  } | null;
}

const BOOKING_FIELDS =
  'id status total { amountMinor } payment { status method amount { amountMinor } refunded { amountMinor } }';

let auth: { authorization: string };
let quoteTokens: string[] = [];

beforeAll(async () => {
  system = await startSystem();
  const signedUp = await graphql<{ signUp: { accessToken: string } }>(
    system.gatewayUrl,
    'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
    { input: { email: 'payer@example.com', password: 'correct horse battery', name: 'Payer' } },
  );
  auth = { authorization: `Bearer ${signedUp.data!.signUp.accessToken}` };
  const stations = await graphql<{ stations: Array<{ code: string }> }>(
    system.gatewayUrl,
    '{ stations(first: 100) { code } }',
  );
  const [from, ...others] = stations.data!.stations.map((s) => s.code);
  for (const to of others) {
    const found = await graphql<{ searchJourneys: Array<{ fares: Array<{ seatClass: string; quoteToken: string }> }> }>(
      system.gatewayUrl,
      'query($from: String!, $to: String!, $date: Date!) { searchJourneys(from: $from, to: $to, date: $date, first: 5) { fares(passengers: [{ type: ADULT }]) { seatClass quoteToken } } }',
      { from, to, date: inDays(3) },
    );
    quoteTokens = (found.data?.searchJourneys ?? []).flatMap((j) => j.fares.map((f) => f.quoteToken));
    if (quoteTokens.length > 0) break;
  }
  expect(quoteTokens.length).toBeGreaterThan(0);
}, 180_000);

afterAll(async () => {
  await system?.cleanup();
});

let attempt = 0;
const book = (paymentMethod?: string) =>
  graphql<{ bookJourney: BookedView }>(
    system.gatewayUrl,
    `mutation($input: BookJourneyInput!) { bookJourney(input: $input) { ${BOOKING_FIELDS} } }`,
    {
      input: {
        quoteToken: quoteTokens[0],
        passengers: [{ type: 'ADULT', name: 'Ada Lovelace' }],
        idempotencyKey: `payments-${(attempt += 1)}-${Date.now()}`,
        ...(paymentMethod === undefined ? {} : { paymentMethod }),
      },
    },
    auth,
  );

/** The booking's payment as its owner reads it now. */
async function paymentOf(bookingId: string): Promise<BookedView['payment']> {
  const read = await graphql<{ booking: BookedView | null }>(
    system.gatewayUrl,
    `query($id: ID!) { booking(id: $id) { ${BOOKING_FIELDS} } }`,
    { id: bookingId },
    auth,
  );
  return read.data?.booking?.payment ?? null;
}

describe('paying for a booking through the gateway', () => {
  it('charges the quoted total to the card and shows the payment captured, then refunded on cancellation', async () => {
    const booked = await book('pm_card_visa');
    expect(booked.errors).toBeUndefined();
    const booking = booked.data!.bookJourney;
    expect(booking.status).toBe('CONFIRMED');
    // The answer comes once the sale is committed with the payment authorized; the capture
    // follows it (docs/design.md §4, step 6).
    expect(booking.payment).toEqual({
      status: expect.stringMatching(/^(AUTHORIZED|CAPTURED)$/),
      method: 'pm_card_visa',
      amount: { amountMinor: booking.total.amountMinor },
      refunded: { amountMinor: 0 },
    });
    await eventually('the payment is captured', async () => (await paymentOf(booking.id))?.status === 'CAPTURED');
    expect(await paymentOf(booking.id)).toEqual({ ...booking.payment, status: 'CAPTURED' });
    const cancelled = await graphql<{ cancelBooking: BookedView }>(
      system.gatewayUrl,
      `mutation($id: ID!) { cancelBooking(id: $id) { ${BOOKING_FIELDS} } }`,
      { id: booking.id },
      auth,
    );
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data!.cancelBooking.payment).toMatchObject({
      status: 'REFUNDED',
      refunded: { amountMinor: booking.total.amountMinor },
    });
  });

  it('answers PAYMENT_REQUIRED without a method, and PAYMENT_DECLINED with its decline code', async () => {
    expect((await book()).errors?.[0]?.extensions).toMatchObject({ code: 'PAYMENT_REQUIRED' });
    expect((await book('visa')).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'paymentMethod',
    });
    expect((await book('pm_card_visa_chargeDeclinedInsufficientFunds')).errors?.[0]?.extensions).toMatchObject({
      code: 'PAYMENT_DECLINED',
      declineCode: 'insufficient_funds',
    });
  });

  it('asks for 3-D Secure, takes the sandbox answer, and completes the booking', async () => {
    const asked = await book('pm_card_threeDSecure2Required');
    const extensions = asked.errors?.[0]?.extensions as {
      code: string;
      bookingId: string;
      provider: string;
      clientSecret: string;
    };
    expect(extensions).toMatchObject({ code: 'PAYMENT_ACTION_REQUIRED', provider: 'sandbox' });
    const answered = await graphql<{ authenticateSandboxPayment: boolean }>(
      system.gatewayUrl,
      'mutation($secret: String!) { authenticateSandboxPayment(clientSecret: $secret, approve: true) }',
      { secret: extensions.clientSecret },
      auth,
    );
    expect(answered.data?.authenticateSandboxPayment).toBe(true);
    const completed = await graphql<{ completeBookingPayment: BookedView }>(
      system.gatewayUrl,
      `mutation($id: ID!) { completeBookingPayment(bookingId: $id) { ${BOOKING_FIELDS} } }`,
      { id: extensions.bookingId },
      auth,
    );
    expect(completed.errors).toBeUndefined();
    expect(completed.data!.completeBookingPayment).toMatchObject({
      id: extensions.bookingId,
      status: 'CONFIRMED',
      payment: { status: expect.stringMatching(/^(AUTHORIZED|CAPTURED)$/), method: 'pm_card_threeDSecure2Required' },
    });
    await eventually(
      'the payment is captured',
      async () => (await paymentOf(extensions.bookingId))?.status === 'CAPTURED',
    );
  });
});
