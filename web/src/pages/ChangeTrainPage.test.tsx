import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../test/axe';
import { graphqlError, renderWithApi, type Handlers } from '../test/fake-api';
import { journeyTimes, money } from '../test/fixtures';
import { useLocation } from '../router';
import { ChangeTrainPage } from './ChangeTrainPage';

/** Changing a booking to a later train, and rebooking for free after a cancelled one. */

const OLD = 'b0157b24-0000-4000-8000-000000000000';
const NEW = 'e7c4a2d1-0000-4000-8000-000000000000';

/** An adult and a child on BX 602 at 06:17, Amsterdam to Rotterdam; a third ticket cancelled earlier. */
const booking = (disruption: null | { rebookAfter: string } = null, status = 'CONFIRMED') => ({
  data: {
    booking: {
      __typename: 'Booking',
      id: OLD,
      status,
      legs: [journeyTimes],
      tickets: [
        { __typename: 'Ticket', id: 't1', leg: 0, status: 'ACTIVE', passenger: 'ADULT' },
        { __typename: 'Ticket', id: 't2', leg: 0, status: 'CANCELLED', passenger: 'SENIOR' },
        { __typename: 'Ticket', id: 't3', leg: 0, status: 'ACTIVE', passenger: 'CHILD' },
      ],
      disruption: disruption && { __typename: 'Disruption', runId: journeyTimes.runId, ...disruption },
    },
  },
});

/** BX 604, an hour after the booked train: 07:17 local time. */
const later = {
  ...journeyTimes,
  runId: 'BX604:2026-12-01',
  departure: '2026-12-01T06:17:00Z',
  arrival: '2026-12-01T06:52:00Z',
  train: { __typename: 'Train', number: 'BX 604', operator: 'Lowlands Rail' },
};

const seats = [
  { __typename: 'ClassAvailability', seatClass: 'STANDARD', seatsLeft: 120 },
  { __typename: 'ClassAvailability', seatClass: 'FIRST', seatsLeft: 12 },
];

const searchTrips = () => ({
  data: {
    searchTrips: [
      {
        __typename: 'Trip',
        id: 'BX604:2026-12-01:0-2',
        departure: later.departure,
        durationMinutes: 35,
        changes: 0,
        legs: [{ ...later, availability: seats }],
        fares: [{ __typename: 'FareOffer', seatClass: 'STANDARD', total: money(1280) }],
      },
    ],
  },
});

/** The fresh quote of the chosen train, as the review finds it again. */
const searchJourneys = () => ({
  data: {
    searchJourneys: [
      {
        ...later,
        availability: seats,
        fares: [
          {
            __typename: 'FareOffer',
            seatClass: 'STANDARD',
            total: money(1280),
            breakdown: [
              { __typename: 'PassengerFare', passenger: 'ADULT', amount: money(1280) },
              { __typename: 'PassengerFare', passenger: 'CHILD', amount: money(0) },
            ],
            expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
            quoteToken: 'quote-new',
          },
        ],
      },
    ],
  },
});

const exchangeQuote = (fee: number) => () => ({
  data: {
    exchangeQuote: {
      __typename: 'ExchangeQuote',
      bookingId: OLD,
      newTotal: money(1280),
      paid: money(1920),
      fee: money(fee),
      refund: money(1920 - fee),
      difference: money(1280 - (1920 - fee)),
      rule:
        fee > 0 ? 'Exchange fee 5.00 EUR per passenger' : 'Free exchange until 06:17 on 2026-11-30 (Europe/Amsterdam)',
    },
  },
});

const exchanged = () => ({
  data: {
    exchangeBooking: {
      __typename: 'Booking',
      id: NEW,
      status: 'CONFIRMED',
      exchangedFrom: { __typename: 'Booking', id: OLD },
    },
  },
});

const handlers = (overrides: Handlers = {}): Handlers => ({
  ChangeBooking: () => booking(),
  SearchTrips: searchTrips,
  SearchJourneys: searchJourneys,
  ExchangeQuote: exchangeQuote(1000),
  ExchangeBooking: exchanged,
  MyBookings: () => ({ data: { me: { __typename: 'User', id: 'u1', bookings: [] } } }),
  ...overrides,
});

/** The page as the app routes it: its step is in the URL. */
function Routed() {
  const { search } = useLocation();
  return <ChangeTrainPage id={OLD} search={search} />;
}

const start = (overrides: Handlers = {}) => {
  window.history.replaceState(null, '', `/bookings/${OLD}/change`);
  return renderWithApi(<Routed />, handlers(overrides));
};

/** Gives the child's age, then picks standard class on the 07:17 train. */
async function chooseLaterTrain() {
  await userEvent.type(await screen.findByLabelText('Age (optional)'), '3');
  await userEvent.click(screen.getByRole('button', { name: 'Show prices for these ages' }));
  await userEvent.click(await screen.findByRole('link', { name: /^Choose Standard on the 07:17 train for €12\.80$/ }));
}

const inputsOf = (calls: Array<{ operationName: string; variables: Record<string, unknown> }>, name: string) =>
  calls.filter((c) => c.operationName === name).map((c) => c.variables);

describe('changing a booking to a later train', () => {
  it('lists later trains for the travelling passengers, with the child’s age given', async () => {
    const { calls } = start();
    expect((await screen.findByRole('heading', { level: 1 })).textContent).toBe('Change train');
    expect(await screen.findByText('1 adult, 1 child')).toBeTruthy();
    await userEvent.type(await screen.findByLabelText('Age (optional)'), '3');
    await userEvent.click(screen.getByRole('button', { name: 'Show prices for these ages' }));
    await screen.findByRole('link', { name: /^Choose Standard on the 07:17 train/ });
    // From just after the booked train, the cancelled passenger left out, the child's age in.
    await waitFor(() =>
      expect(inputsOf(calls, 'SearchTrips').at(-1)).toEqual({
        from: 'AMS',
        to: 'RTD',
        date: '2026-12-01',
        after: '2026-12-01T05:18:00.000Z',
        first: 5,
        passengers: [{ type: 'ADULT' }, { type: 'CHILD', age: 3 }],
      }),
    );
    expect(await axeViolations()).toEqual([]);
  });

  it('refuses a child’s age out of range, and searches nothing new for it', async () => {
    const { calls } = start();
    await userEvent.type(await screen.findByLabelText('Age (optional)'), '14');
    const searches = inputsOf(calls, 'SearchTrips').length;
    await userEvent.click(screen.getByRole('button', { name: 'Show prices for these ages' }));
    expect((await screen.findByRole('alert')).textContent).toBe('A child is 0 to 11 years old.');
    expect(new URLSearchParams(window.location.search).get('ages')).toBeNull();
    expect(inputsOf(calls, 'SearchTrips').length).toBe(searches);
  });

  it('shows what the change costs, exchanges with the quoted passengers and lands on the new booking', async () => {
    const { calls } = start();
    await chooseLaterTrain();
    const costs = await screen.findByRole('region', { name: 'What the change costs' });
    expect(costs.querySelector('dl')?.textContent).toBe(
      'New train€12.80Paid for your tickets€19.20Exchange fee€10.00Back to you for your tickets€9.20',
    );
    expect(within(costs).getByText('You pay €3.60 more.')).toBeTruthy();
    expect(within(costs).getByText('Exchange fee 5.00 EUR per passenger')).toBeTruthy();
    expect(inputsOf(calls, 'ExchangeQuote')).toContainEqual({
      bookingId: OLD,
      quoteToken: 'quote-new',
      passengers: [{ type: 'ADULT' }, { type: 'CHILD', age: 3 }],
    });
    expect(screen.getByRole('radio', { name: 'Visa' })).toHaveProperty('checked', true);
    expect(await axeViolations()).toEqual([]);

    await userEvent.click(screen.getByRole('button', { name: 'Change to this train' }));
    await waitFor(() => expect(window.location.pathname).toBe(`/bookings/${NEW}`));
    const [input] = inputsOf(calls, 'ExchangeBooking').map((v) => v['input'] as Record<string, unknown>);
    expect(input).toEqual({
      bookingId: OLD,
      quoteToken: 'quote-new',
      passengers: [{ type: 'ADULT' }, { type: 'CHILD', age: 3 }],
      idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/),
      paymentMethod: 'pm_card_visa',
    });
    // Done: the attempt is over, nothing of it is kept.
    expect(Object.keys(sessionStorage).filter((k) => k.startsWith('railgraph.booking-attempt:'))).toEqual([]);
  });

  it('says plainly when the booking can no longer be changed, and sends it no more', async () => {
    const { calls } = start({ ExchangeBooking: () => graphqlError('NOT_EXCHANGEABLE', 'Booking is not exchangeable') });
    await chooseLaterTrain();
    await userEvent.click(await screen.findByRole('button', { name: 'Change to this train' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/^This booking can no longer be changed: its train has left, or it was changed/);
    expect(within(alert).getByRole('link', { name: 'Back to your booking' }).getAttribute('href')).toBe(
      `/bookings/${OLD}`,
    );
    expect(screen.queryByRole('button', { name: 'Change to this train' })).toBeNull();
    expect(inputsOf(calls, 'ExchangeBooking')).toHaveLength(1);
    expect(window.location.pathname).toBe(`/bookings/${OLD}/change`);
    expect(Object.keys(sessionStorage).filter((k) => k.startsWith('railgraph.booking-attempt:'))).toEqual([]);
  });

  it('sends the same exchange again with the same key after a network failure', async () => {
    let offline = true;
    const { calls } = start({
      ExchangeBooking: () => {
        if (offline) throw new Error('network down');
        return exchanged();
      },
    });
    await chooseLaterTrain();
    await userEvent.click(await screen.findByRole('button', { name: 'Change to this train' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/could not reach Railgraph/);
    offline = false;
    await userEvent.click(screen.getByRole('button', { name: 'Change to this train' }));
    await waitFor(() => expect(window.location.pathname).toBe(`/bookings/${NEW}`));
    const keys = inputsOf(calls, 'ExchangeBooking').map(
      (v) => (v['input'] as { idempotencyKey: string }).idempotencyKey,
    );
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
  });

  it('finishes the new booking after the bank’s 3-D Secure confirmation', async () => {
    const { calls } = start({
      ExchangeBooking: () => ({
        errors: [
          {
            message: 'Your bank asks you to confirm this payment',
            extensions: {
              code: 'PAYMENT_ACTION_REQUIRED',
              bookingId: NEW,
              provider: 'sandbox',
              clientSecret: 'pi_sandbox_9_secret_x',
            } as { code: string },
          },
        ],
      }),
      AuthenticateSandboxPayment: () => ({ data: { authenticateSandboxPayment: true } }),
      CompleteBookingPayment: () => ({
        data: { completeBookingPayment: { __typename: 'Booking', id: NEW, status: 'CONFIRMED' } },
      }),
    });
    await chooseLaterTrain();
    await userEvent.click(screen.getByRole('radio', { name: '3-D Secure' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Change to this train' }));
    const dialog = await screen.findByRole('dialog', { name: 'Your bank asks you to confirm this payment' });
    expect(await axeViolations()).toEqual([]);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(window.location.pathname).toBe(`/bookings/${NEW}`));
    // The booking finished is the new one, named by the error.
    expect(inputsOf(calls, 'CompleteBookingPayment')).toEqual([{ bookingId: NEW }]);
    expect((inputsOf(calls, 'ExchangeBooking')[0]!['input'] as { paymentMethod: string }).paymentMethod).toBe(
      'pm_card_threeDSecure2Required',
    );
  });

  it('says a booking with no valid tickets cannot be changed', async () => {
    start({ ChangeBooking: () => booking(null, 'EXCHANGED') });
    expect((await screen.findByRole('alert')).textContent).toMatch(/can no longer be changed/);
    expect(screen.queryByRole('list', { name: 'Trains' })).toBeNull();
  });
});

describe('rebooking after a cancelled train', () => {
  const disrupted = { rebookAfter: '2026-12-01T05:17:00Z' };

  it('searches from the cancelled train’s departure and shows no fee', async () => {
    const { calls } = start({ ChangeBooking: () => booking(disrupted), ExchangeQuote: exchangeQuote(0) });
    expect((await screen.findByRole('heading', { level: 1 })).textContent).toBe('Rebook for free');
    await chooseLaterTrain();
    const costs = await screen.findByRole('region', { name: 'What the change costs' });
    expect(costs.querySelector('dl')?.textContent).toBe(
      'New train€12.80Paid for your tickets€19.20Back to you for your tickets€19.20',
    );
    expect(within(costs).getByText('You get €6.40 back.')).toBeTruthy();
    expect(within(costs).getByText('Your train was cancelled, so changing is free.')).toBeTruthy();
    expect(within(costs).queryByText(/fee/i)).toBeNull();
    expect(inputsOf(calls, 'SearchTrips').at(-1)?.['after']).toBe('2026-12-01T05:17:00Z');
  });
});
