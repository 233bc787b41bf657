import { describe, expect, it } from 'vitest';
import { memberProblems, partyInput, readParty, rememberBookedParty, ticketNames, writeParty } from './party';
import type { TripChoice } from './trip';

const choice: TripChoice = {
  from: 'AMS',
  to: 'RTD',
  date: '2026-12-01',
  passengers: { ADULT: 1, CHILD: 1, YOUTH: 0, SENIOR: 0 },
  runId: 'BX602:2026-12-01',
  fromStop: 0,
  toStop: 2,
  seatClass: 'STANDARD',
  seats: [],
};

describe('the travelling party', () => {
  it('sends an age only for passengers given one', () => {
    expect(
      partyInput([
        { name: 'Ada', type: 'ADULT', savedId: 's1' },
        { name: 'Noor', type: 'CHILD', age: 3 },
      ]),
    ).toEqual([{ type: 'ADULT' }, { type: 'CHILD', age: 3 }]);
  });

  it('is read back only while its categories match the trip’s passengers', () => {
    writeParty([
      { name: ' Ada ', type: 'ADULT' },
      { name: 'Noor', type: 'CHILD', age: 3 },
    ]);
    expect(readParty(choice)?.map((m) => m.name)).toEqual(['Ada', 'Noor']);
    expect(readParty({ ...choice, passengers: { ADULT: 2, CHILD: 0, YOUTH: 0, SENIOR: 0 } })).toBeNull();
  });

  it('needs a name and an age that fits the category', () => {
    expect(memberProblems({ name: '  ', type: 'ADULT' }).name).toBeDefined();
    expect(memberProblems({ name: 'x'.repeat(101), type: 'ADULT' }).name).toBeDefined();
    expect(memberProblems({ name: 'Noor', type: 'CHILD', age: 12 }).age).toBeDefined();
    expect(memberProblems({ name: 'Noor', type: 'CHILD', age: 0 })).toEqual({});
    expect(memberProblems({ name: 'Ada', type: 'ADULT', age: 30 }).age).toBeDefined();
  });

  it('names tickets in order within each fare category', () => {
    rememberBookedParty('b1', [
      { name: 'Noor', type: 'CHILD', age: 3 },
      { name: 'Ada', type: 'ADULT' },
      { name: 'Sam', type: 'CHILD' },
    ]);
    expect(ticketNames('b1', [{ passenger: 'ADULT' }, { passenger: 'CHILD' }, { passenger: 'CHILD' }])).toEqual([
      'Ada',
      'Noor',
      'Sam',
    ]);
    expect(ticketNames('other', [{ passenger: 'ADULT' }])).toEqual([null]);
  });
});
