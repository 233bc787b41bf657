import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { graphqlError, renderWithApi, type Handlers } from '../test/fake-api';
import { adultTrip, bookCalls, booked, bookingOfflineUntilRecovered, searchWithFare } from '../test/review';
import { writeParty } from '../party';
import type { TripChoice } from '../trip';
import { ReviewPage } from './ReviewPage';

const choice: TripChoice = {
  ...adultTrip,
  passengers: { ADULT: 1, CHILD: 1, YOUTH: 0, SENIOR: 0 },
  seats: ['2-1A', '2-1B'],
};

let quotes = 0;
const search = searchWithFare(
  [
    { passenger: 'ADULT', amountMinor: 1280 },
    { passenger: 'CHILD', amountMinor: 640 },
  ],
  () => `quote-${(quotes += 1)}`,
);

describe('the review page', () => {
  beforeEach(() => {
    writeParty([
      { name: 'Ada Lovelace', type: 'ADULT' },
      { name: 'Noor', type: 'CHILD', age: 7 },
    ]);
  });

  it('shows the price per named passenger, the total and how long the price is held', async () => {
    renderWithApi(<ReviewPage choice={choice} />, { SearchJourneys: search });
    const table = await screen.findByRole('table', { name: 'Price per passenger' });
    expect(table.textContent).toMatch(/Ada Lovelace Adult€12\.80Noor Child, 7€6\.40Total€19\.20/);
    expect(screen.getByText(/Price held until \d\d:\d\d \(15 min\)/)).toBeTruthy();
  });

  it('sends one bookJourney with the chosen seats when Book is double-clicked', async () => {
    let release: () => void = () => undefined;
    const { calls } = renderWithApi(<ReviewPage choice={choice} />, {
      SearchJourneys: search,
      BookJourney: () => new Promise((resolve) => (release = () => resolve(booked()))),
    });
    await userEvent.dblClick(await screen.findByRole('button', { name: 'Book for €19.20' }));
    release();
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-1'));
    const sent = bookCalls(calls);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      seats: ['2-1A', '2-1B'],
      passengers: [
        { type: 'ADULT', name: 'Ada Lovelace' },
        { type: 'CHILD', age: 7, name: 'Noor' },
      ],
    });
    expect(Object.keys(sessionStorage).filter((key) => key.startsWith('railgraph.booking-attempt:'))).toEqual([]);
  });

  it('retries with the same idempotency key and quote after a network failure and a reload', async () => {
    const network = bookingOfflineUntilRecovered();
    const handlers: Handlers = { SearchJourneys: search, BookJourney: network.handler };
    const first = renderWithApi(<ReviewPage choice={choice} />, handlers);
    await userEvent.click(await screen.findByRole('button', { name: 'Book for €19.20' }));
    await screen.findByText(/could not reach Railgraph/);
    first.unmount();

    network.recover();
    const second = renderWithApi(<ReviewPage choice={choice} />, handlers);
    expect(await screen.findByText(/already pressed Book for this trip/)).toBeTruthy();
    await userEvent.click(await screen.findByRole('button', { name: /^Book for/ }));
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-1'));
    const [before] = bookCalls(first.calls);
    const [after] = bookCalls(second.calls);
    expect(after!['idempotencyKey']).toBe(before!['idempotencyKey']);
    expect(after!['quoteToken']).toBe(before!['quoteToken']);
  });

  it('offers the next trains when the train sells out', async () => {
    renderWithApi(<ReviewPage choice={choice} />, {
      SearchJourneys: search,
      BookJourney: () => graphqlError('SOLD_OUT'),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Book for €19.20' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/just sold out/);
    const next = screen.getByRole('link', { name: 'See the next trains' });
    expect(next.getAttribute('href')).toContain('after=2026-12-01T05%3A18%3A00.000Z');
    expect(screen.queryByRole('button', { name: /^Book for/ })).toBeNull();
  });

  it('sends the traveller back to the seat map when a seat was just taken', async () => {
    renderWithApi(<ReviewPage choice={choice} />, {
      SearchJourneys: search,
      BookJourney: () => graphqlError('SEAT_TAKEN'),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Book for €19.20' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/pick another seat/i);
    expect(screen.getByRole('link', { name: 'Pick another seat' }).getAttribute('href')).toMatch(/^\/seats\?/);
  });

  it('refreshes the price when the quote expired, then books with the new quote and a new key', async () => {
    let expired = true;
    const { calls } = renderWithApi(<ReviewPage choice={choice} />, {
      SearchJourneys: search,
      BookJourney: () => (expired ? graphqlError('QUOTE_EXPIRED') : booked()),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Book for €19.20' }));
    await screen.findByText(/price we quoted has expired/);
    expired = false;
    await userEvent.click(screen.getByRole('button', { name: 'Refresh the price' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Book for €19.20' }));
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-1'));
    const [first, second] = bookCalls(calls);
    expect(second!['quoteToken']).not.toBe(first!['quoteToken']);
    expect(second!['idempotencyKey']).not.toBe(first!['idempotencyKey']);
  });

  it('quotes and books the passengers exactly alike, a child’s age included, and names them only in the booking', async () => {
    const { calls } = renderWithApi(<ReviewPage choice={choice} />, {
      SearchJourneys: search,
      BookJourney: booked,
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Book for €19.20' }));
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-1'));
    const quoted = calls.find((c) => c.operationName === 'SearchJourneys')!.variables['passengers'];
    expect(quoted).toEqual([{ type: 'ADULT' }, { type: 'CHILD', age: 7 }]);
    expect(bookCalls(calls)[0]!['passengers']).toEqual([
      { type: 'ADULT', name: 'Ada Lovelace' },
      { type: 'CHILD', age: 7, name: 'Noor' },
    ]);
  });

  it('sends the traveller back to the passengers when the API refuses a name', async () => {
    renderWithApi(<ReviewPage choice={choice} />, {
      SearchJourneys: search,
      BookJourney: () => ({
        errors: [
          {
            message: 'The name of passenger 2 may only have letters, spaces, hyphens, apostrophes and periods',
            extensions: { code: 'BAD_USER_INPUT', field: 'passengers[1].name' },
          },
        ],
      }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Book for €19.20' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/name of passenger 2 may only have letters/);
    const back = screen.getByRole('link', { name: 'Correct the passengers’ details' });
    expect(back.getAttribute('href')).toMatch(/^\/passengers\?/);
    expect(screen.queryByRole('button', { name: /^Book for/ })).toBeNull();
  });

  it('asks who is travelling before pricing when the passengers were not filled in', async () => {
    sessionStorage.clear();
    const { calls } = renderWithApi(<ReviewPage choice={choice} />, { SearchJourneys: search });
    const add = await screen.findByRole('link', { name: 'Add passengers' });
    expect(add.getAttribute('href')).toMatch(/^\/passengers\?/);
    expect(calls).toEqual([]);
    expect(screen.queryByRole('button', { name: /^Book for/ })).toBeNull();
  });
});
