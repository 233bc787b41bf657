import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { writeParty } from '../party';
import { axeViolations } from '../test/axe';
import { renderWithApi, type Handlers } from '../test/fake-api';
import { money, tripId, tripLegs } from '../test/fixtures';
import { bookCalls, booked } from '../test/review';
import type { TripChoice } from '../trip';
import { ReviewPage } from './ReviewPage';

/** Standard class on the 08:04 from Rotterdam to Utrecht, changing at Amsterdam, for an adult and a child. */
const choice: TripChoice = {
  from: 'RTD',
  to: 'UTR',
  date: '2026-12-01',
  passengers: { ADULT: 1, CHILD: 1, YOUTH: 0, SENIOR: 0 },
  tripId,
  runId: 'BX610:2026-12-01',
  fromStop: 2,
  toStop: 4,
  seatClass: 'STANDARD',
  seats: [],
  departure: '2026-12-01T07:04:00Z',
};

/** The trip found again with one quote for both trains: €30 for the adult, €15 for the child. */
const tripQuote: Handlers[string] = () => ({
  data: {
    searchTrips: [
      {
        __typename: 'Trip',
        id: tripId,
        departure: choice.departure,
        durationMinutes: 80,
        changes: 1,
        legs: tripLegs,
        fares: [
          {
            __typename: 'FareOffer',
            seatClass: 'STANDARD',
            total: money(4500),
            breakdown: [
              { __typename: 'PassengerFare', passenger: 'ADULT', amount: money(3000) },
              { __typename: 'PassengerFare', passenger: 'CHILD', amount: money(1500) },
            ],
            expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
            quoteToken: 'trip-quote-1',
          },
        ],
      },
    ],
  },
});

describe('reviewing a trip with a change', () => {
  beforeEach(() => {
    writeParty([
      { name: 'Ada Lovelace', type: 'ADULT' },
      { name: 'Noor', type: 'CHILD', age: 7 },
    ]);
  });

  it('quotes the whole trip again from its departure and shows both trains and the change', async () => {
    const { calls } = renderWithApi(<ReviewPage choice={choice} />, { TripQuote: tripQuote });
    const trains = await screen.findByRole('list', { name: 'Your trains' });
    expect(
      within(trains)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'BX 610 · 08:04 Rotterdam Centraal → 08:45 Amsterdam Centraal',
      'Change at Amsterdam Centraal: 12 minIC 2230 · 08:57 Amsterdam Centraal → 09:24 Utrecht Centraal',
    ]);
    expect(screen.getByText('Standard class · Seats assigned on each train, together where possible')).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Change seats' })).toBeNull();
    expect(screen.getByRole('table', { name: 'Price per passenger' }).textContent).toMatch(
      /Ada Lovelace Adult€30\.00Noor Child, 7€15\.00Total€45\.00/,
    );
    expect(calls.map((c) => c.operationName)).not.toContain('SearchJourneys');
    expect(calls.find((c) => c.operationName === 'TripQuote')?.variables).toEqual({
      from: 'RTD',
      to: 'UTR',
      date: '2026-12-01',
      after: '2026-12-01T07:04:00Z',
      first: 3,
      passengers: [{ type: 'ADULT' }, { type: 'CHILD', age: 7 }],
    });
    expect(await axeViolations()).toEqual([]);
  });

  it('books the trip with its quote, seats assigned, in one payment', async () => {
    const { calls } = renderWithApi(<ReviewPage choice={choice} />, { TripQuote: tripQuote, BookJourney: booked });
    await userEvent.click(await screen.findByRole('button', { name: 'Book for €45.00' }));
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-1'));
    const sent = bookCalls(calls);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toEqual({
      quoteToken: 'trip-quote-1',
      passengers: [
        { type: 'ADULT', name: 'Ada Lovelace' },
        { type: 'CHILD', age: 7, name: 'Noor' },
      ],
      idempotencyKey: expect.any(String) as string,
      paymentMethod: 'pm_card_visa',
    });
  });

  it('says the trip is no longer on sale when the search does not find it again', async () => {
    renderWithApi(<ReviewPage choice={choice} />, { TripQuote: () => ({ data: { searchTrips: [] } }) });
    expect((await screen.findByRole('alert')).textContent).toMatch(/^This trip is no longer on sale\./);
    expect(screen.queryByRole('button', { name: /^Book for/ })).toBeNull();
  });
});
