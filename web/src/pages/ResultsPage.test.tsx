import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../test/axe';
import { renderWithApi } from '../test/fake-api';
import { journeyTimes, money, tripId, tripLegs } from '../test/fixtures';
import { readChoice, type TripSearch } from '../trip';
import { ResultsPage } from './ResultsPage';

const search: TripSearch = {
  from: 'RTD',
  to: 'UTR',
  date: '2026-12-01',
  passengers: { ADULT: 2, CHILD: 0, YOUTH: 0, SENIOR: 0 },
};

const seats = (standard: number, first: number) => [
  { __typename: 'ClassAvailability', seatClass: 'STANDARD', seatsLeft: standard },
  { __typename: 'ClassAvailability', seatClass: 'FIRST', seatsLeft: first },
];

const fare = (seatClass: string, amountMinor: number) => ({
  __typename: 'FareOffer',
  seatClass,
  total: money(amountMinor),
});

/** A direct train (BX 602 at 06:17), then a trip with a change at Amsterdam (08:04, 12 minutes to change). */
const trips = [
  {
    __typename: 'Trip',
    id: 'BX602:2026-12-01:0-2',
    departure: journeyTimes.departure,
    durationMinutes: 35,
    changes: 0,
    legs: [{ ...journeyTimes, availability: seats(200, 30) }],
    fares: [fare('STANDARD', 2560), fare('FIRST', 4480)],
  },
  {
    __typename: 'Trip',
    id: tripId,
    departure: tripLegs[0]!.departure,
    durationMinutes: 80,
    changes: 1,
    // The first train has plenty of seats left, the second few; first class is full on the second.
    legs: [
      { ...tripLegs[0]!, availability: seats(120, 10) },
      { ...tripLegs[1]!, availability: seats(40, 0) },
    ],
    fares: [fare('STANDARD', 5000)],
  },
];

const render = () =>
  renderWithApi(<ResultsPage search={search} />, { SearchTrips: () => ({ data: { searchTrips: trips } }) });

/** The result whose heading reads `departs to arrives`. */
const result = async (departs: string) =>
  (await screen.findByRole('listitem', { name: new RegExp(`^${departs} to `) })) as HTMLElement;

describe('the results', () => {
  it('searches trips with up to one change, a page at a time, for the passengers', async () => {
    const { calls } = render();
    await result('08:04');
    expect(calls.find((c) => c.operationName === 'SearchTrips')?.variables).toEqual({
      from: 'RTD',
      to: 'UTR',
      date: '2026-12-01',
      after: null,
      first: 5,
      passengers: [{ type: 'ADULT' }, { type: 'ADULT' }],
    });
  });

  it('lists a trip with one change: times, duration, each train and the change, seats and fares', async () => {
    render();
    const trip = await result('08:04');
    expect(within(trip).getByRole('heading', { level: 3 }).textContent).toMatch(/^08:04 → to +09:24$/);
    expect(trip.querySelector('.journey-meta')?.textContent).toBe(
      '1 h 20 min · 1 change · Rotterdam Centraal – Utrecht Centraal',
    );
    const trains = within(trip).getByRole('list', { name: 'Trains of the 08:04 trip with 1 change' });
    expect(
      within(trains)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'BX 610 · 08:04 Rotterdam Centraal → 08:45 Amsterdam Centraal',
      'Change at Amsterdam Centraal: 12 minIC 2230 · 08:57 Amsterdam Centraal → 09:24 Utrecht Centraal',
    ]);
    // Seats left on the whole trip are the fewest on any train; the price covers both trains.
    const classes = within(trip).getByRole('list', { name: 'Classes on the 08:04 trip with 1 change' });
    expect(
      within(classes)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Standard40 seats left€50.00', 'FirstSold out']);
    expect(trip.querySelector('.price-from')?.textContent).toBe('from €50.00');
  });

  it('takes a trip with a change straight to the passengers, its seats assigned', async () => {
    render();
    const trip = await result('08:04');
    const choose = within(trip).getByRole('link', {
      name: 'Choose Standard on the 08:04 trip with 1 change for €50.00',
    });
    const url = new URL(choose.getAttribute('href')!, 'http://x');
    expect(url.pathname).toBe('/passengers');
    expect(readChoice(url.searchParams)).toEqual({
      ...search,
      tripId,
      runId: 'BX610:2026-12-01',
      fromStop: 2,
      toStop: 4,
      seatClass: 'STANDARD',
      seats: [],
      departure: '2026-12-01T07:04:00Z',
    });
  });

  it('shows a direct train as before, its class leading to the seat map', async () => {
    render();
    const direct = await result('06:17');
    expect(direct.querySelector('.journey-meta')?.textContent).toBe(
      '35 min · BX 602 · Amsterdam Centraal – Rotterdam Centraal',
    );
    expect(within(direct).queryByRole('list', { name: /^Trains of/ })).toBeNull();
    const choose = within(direct).getByRole('link', { name: 'Choose Standard on the 06:17 train for €25.60' });
    const url = new URL(choose.getAttribute('href')!, 'http://x');
    expect(url.pathname).toBe('/seats');
    expect(url.searchParams.get('trip')).toBeNull();
    expect(url.searchParams.get('run')).toBe('BX602:2026-12-01');
    expect(within(direct).getByText('30 seats left')).toBeTruthy();
    expect(await axeViolations()).toEqual([]);
  });

  it('pages to the trips leaving after the last one shown', async () => {
    renderWithApi(<ResultsPage search={search} />, {
      SearchTrips: () => ({ data: { searchTrips: [trips[1], trips[1], trips[1], trips[1], trips[1]] } }),
    });
    await userEvent.click((await screen.findAllByRole('button', { name: 'Later trains' }))[0]!);
    expect(new URLSearchParams(window.location.search).get('after')).toBe('2026-12-01T07:05:00.000Z');
  });
});
