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
