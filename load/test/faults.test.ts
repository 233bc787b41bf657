import { describe, expect, it } from 'vitest';
import { faultName, faultPlan, faultResults, type Answer, type InjectedFault } from '../src/faults.js';

describe('the faults run', () => {
  it('kills tickets, inventory and a gateway, then restarts Redis and PostgreSQL, in turn over the run', () => {
    expect(faultPlan(90).map((f) => [faultName(f.action), f.atSeconds])).toEqual([
      ['kill -9 tickets-1', 14],
      ['kill -9 inventory-1', 27],
      ['kill -9 gateway-1', 41],
      ['Redis killed, restarted empty', 54],
      ['PostgreSQL crashed, restarted', 68],
    ]);
  });

  it("judges each fault's window: its errors, when they stopped, and any that is not a contract error", () => {
    const start = 1000;
    const faults: InjectedFault[] = [
      { action: { kind: 'kill', replica: 'tickets-1' }, atSeconds: 10, done: true },
      { action: { kind: 'crash-postgres' }, atSeconds: 20, done: true, downSeconds: 1.4 },
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
        fault: 'kill -9 tickets-1',
        atSeconds: 10,
        done: true,
        answers: 4,
        errors: { SERVICE_UNAVAILABLE: 2 },
        recoveredAfterSeconds: 3.2,
        untyped: 0,
      },
      {
        fault: 'PostgreSQL crashed, restarted',
        atSeconds: 20,
        done: true,
        downSeconds: 1.4,
        answers: 2,
        errors: { INTERNAL_SERVER_ERROR: 1, 'HTTP 500': 1 },
        recoveredAfterSeconds: 2,
        untyped: 2,
      },
    ]);
  });
});
