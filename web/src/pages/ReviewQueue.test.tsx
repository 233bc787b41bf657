import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderWithApi } from '../test/fake-api';
import { adultTrip, bookCalls, booked, searchWithFare } from '../test/review';
import { writeParty } from '../party';
import { ReviewPage } from './ReviewPage';

/** The review page at a rush: RATE_LIMITED puts the traveller in the queue and the same booking is sent again. */

const choice = adultTrip;
const search = searchWithFare([{ passenger: 'ADULT', amountMinor: 1280 }]);

const queueFull = (retryAfterSeconds: number) => {
  const answer = {
    errors: [{ message: 'Many travellers', extensions: { code: 'RATE_LIMITED', retryAfterSeconds } }],
  };
  return answer;
};

describe('the review page at a rush', () => {
  beforeEach(() => {
    writeParty([{ name: 'Ada Lovelace', type: 'ADULT' }]);
  });

  it('shows that the traveller is queued and books with the same key after the wait', async () => {
    let answers = 0;
    const { calls } = renderWithApi(<ReviewPage choice={choice} />, {
      SearchJourneys: search,
      BookJourney: () => ((answers += 1) === 1 ? queueFull(1) : booked()),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Book for €12.80' }));
    const notice = await screen.findByRole('status');
    expect(notice.textContent).toMatch(/Many travellers are booking right now: you are in the queue/);
    expect(notice.textContent).toMatch(/try again in [12] s \(try 1 of 5\)/);
    expect(screen.queryByRole('alert')).toBeNull();
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-1'), { timeout: 5_000 });
    const [first, second] = bookCalls(calls);
    expect(second!['idempotencyKey']).toBe(first!['idempotencyKey']);
    expect(second!['quoteToken']).toBe(first!['quoteToken']);
  });

  it('lets the traveller stop waiting, and Book then sends the same attempt again', async () => {
    let answers = 0;
    const { calls } = renderWithApi(<ReviewPage choice={choice} />, {
      SearchJourneys: search,
      BookJourney: () => ((answers += 1) === 1 ? queueFull(30) : booked()),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Book for €12.80' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Stop waiting' }));
    await waitFor(() => expect(screen.queryByRole('status')).toBeNull());
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText(/already pressed Book for this trip/)).toBeTruthy();
    expect(bookCalls(calls)).toHaveLength(1);
    await userEvent.click(screen.getByRole('button', { name: 'Book for €12.80' }));
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-1'));
    const [first, second] = bookCalls(calls);
    expect(second!['idempotencyKey']).toBe(first!['idempotencyKey']);
  });

  it('says it is waiting for a place while bookJourney takes longer than 2 s', async () => {
    renderWithApi(<ReviewPage choice={choice} />, {
      SearchJourneys: search,
      BookJourney: () => new Promise((resolve) => setTimeout(() => resolve(booked()), 2_400)),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Book for €12.80' }));
    expect(screen.queryByRole('status')).toBeNull();
    expect((await screen.findByRole('status', {}, { timeout: 3_000 })).textContent).toBe(
      'Waiting for your place in the queue…',
    );
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-1'), { timeout: 3_000 });
  });
});
