/** API-shaped data for component tests, with the `__typename`s the cache expects. */
export const station = (code: string, name: string) => ({
  __typename: 'Station',
  code,
  name,
  timeZone: 'Europe/Amsterdam',
});

export const money = (amountMinor: number) => ({ __typename: 'Money', amountMinor, currency: 'EUR' });

/** BX 602 from Amsterdam at 06:17 local time to Rotterdam on 1 December 2026. */
export const journeyTimes = {
  __typename: 'Journey',
  runId: 'BX602:2026-12-01',
  fromStop: 0,
  toStop: 2,
  departure: '2026-12-01T05:17:00Z',
  arrival: '2026-12-01T05:52:00Z',
  durationMinutes: 35,
  train: { __typename: 'Train', number: 'BX 602', operator: 'Lowlands Rail' },
  origin: station('AMS', 'Amsterdam Centraal'),
  destination: station('RTD', 'Rotterdam Centraal'),
};

/** A journey of the Trip fixture: one train between two stations. */
const leg = (
  runId: string,
  stops: [number, number],
  train: string,
  from: ReturnType<typeof station>,
  to: ReturnType<typeof station>,
  times: [string, string],
) => ({
  __typename: 'Journey',
  runId,
  fromStop: stops[0],
  toStop: stops[1],
  departure: times[0],
  arrival: times[1],
  durationMinutes: Math.round((Date.parse(times[1]) - Date.parse(times[0])) / 60_000),
  train: { __typename: 'Train', number: train, operator: 'Lowlands Rail' },
  origin: from,
  destination: to,
});

/**
 * Rotterdam to Utrecht on 1 December 2026 with one change at Amsterdam: BX 610 leaves Rotterdam
 * at 08:04 and reaches Amsterdam at 08:45; IC 2230 leaves there at 08:57 (12 minutes to change)
 * and reaches Utrecht at 09:24. Local times; the instants are UTC.
 */
export const tripLegs = [
  leg(
    'BX610:2026-12-01',
    [2, 4],
    'BX 610',
    station('RTD', 'Rotterdam Centraal'),
    station('AMS', 'Amsterdam Centraal'),
    ['2026-12-01T07:04:00Z', '2026-12-01T07:45:00Z'],
  ),
  leg(
    'IC2230:2026-12-01',
    [3, 4],
    'IC 2230',
    station('AMS', 'Amsterdam Centraal'),
    station('UTR', 'Utrecht Centraal'),
    ['2026-12-01T07:57:00Z', '2026-12-01T08:24:00Z'],
  ),
];

/** The Trip's id: its legs as `<runId>:<fromStop>-<toStop>`, in travel order. */
export const tripId = 'BX610:2026-12-01:2-4,IC2230:2026-12-01:3-4';
