import { describe, expect, it } from 'vitest';
import { faultPlan, faultResults, type Answer } from '../src/faults.js';

describe('the faults run', () => {
  it('kills tickets, inventory and a gateway in turn over the middle of the run', () => {
    expect(faultPlan(90)).toEqual([
      { replica: 'tickets-1', atSeconds: 18 },
      { replica: 'inventory-1', atSeconds: 41 },
      { replica: 'gateway-1', atSeconds: 63 },
    ]);
  });

  it("judges each fault's window: its errors, when they stopped, and any that is not a contract error", () => {
    const start = 1000;
    const faults = [
      { replica: 'tickets-1', atSeconds: 10, killed: true },
      { replica: 'gateway-1', atSeconds: 20, killed: true },
    ];
    const answers: Answer[] = [
      [1005, 100, 'bookJourney', 'CONFIRMED'],
      [1010.5, 300, 'bookJourney', 'SERVICE_UNAVAILABLE'],
      [1012, 300, 'booking', 'ok'],
      [1013.2, 300, 'bookJourney', 'SERVICE_UNAVAILABLE'],
      [1015, 300, 'bookJourney', 'SOLD_OUT'],
      [1021, 300, 'fares', 'INTERNAL_SERVER_ERROR'],
      [1022, 300, 'bookJourney', 'HTTP 500'],
    ];
    expect(faultResults(faults, answers, start, 1030)).toEqual([
      {
        replica: 'tickets-1',
        atSeconds: 10,
        killed: true,
        answers: 4,
        errors: { SERVICE_UNAVAILABLE: 2 },
        recoveredAfterSeconds: 3.2,
        untyped: 0,
      },
      {
        replica: 'gateway-1',
        atSeconds: 20,
        killed: true,
        answers: 2,
        errors: { INTERNAL_SERVER_ERROR: 1, 'HTTP 500': 1 },
        recoveredAfterSeconds: 2,
        untyped: 2,
      },
    ]);
  });
});
