import { describe, expect, it } from 'vitest';
import { bookingInput, memberProblems, partyInput, readParty, writeParty } from './party';
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
  it('sends an age only for passengers given one, and names only to the booking', () => {
    const party = [
      { name: 'Ada', type: 'ADULT' as const, savedId: 's1' },
      { name: 'Noor ', type: 'CHILD' as const, age: 3 },
    ];
    expect(partyInput(party)).toEqual([{ type: 'ADULT' }, { type: 'CHILD', age: 3 }]);
    expect(bookingInput(party)).toEqual([
      { type: 'ADULT', name: 'Ada' },
      { type: 'CHILD', age: 3, name: 'Noor' },
    ]);
  });

  it('is read back only while its categories match the trip’s passengers', () => {
    writeParty([
      { name: ' Ada ', type: 'ADULT' },
      { name: 'Noor', type: 'CHILD', age: 3 },
    ]);
    expect(readParty(choice)?.map((m) => m.name)).toEqual(['Ada', 'Noor']);
    expect(readParty({ ...choice, passengers: { ADULT: 2, CHILD: 0, YOUTH: 0, SENIOR: 0 } })).toBeNull();
  });

  it('needs a name as tickets take it and an age that fits the category', () => {
    expect(memberProblems({ name: '  ', type: 'ADULT' }).name).toBe('Enter the passenger’s name.');
    expect(memberProblems({ name: 'x'.repeat(71), type: 'ADULT' }).name).toBe('Use at most 70 characters.');
    expect(memberProblems({ name: '山'.repeat(70), type: 'ADULT' })).toEqual({});
    for (const name of ['Ada 2', 'Ada@home', 'Ada\u200BLovelace', "- . '"]) {
      expect(memberProblems({ name, type: 'ADULT' }).name).toBe(
        'Use letters, spaces, hyphens, apostrophes and full stops only.',
      );
    }
    for (const name of ['Zoë O’Brien-Smith Jr.', 'Ελένη', 'अनिल कुमार']) {
      expect(memberProblems({ name, type: 'ADULT' })).toEqual({});
    }
    expect(memberProblems({ name: 'Noor', type: 'CHILD', age: 12 }).age).toBeDefined();
    expect(memberProblems({ name: 'Noor', type: 'CHILD', age: 0 })).toEqual({});
    expect(memberProblems({ name: 'Ada', type: 'ADULT', age: 30 }).age).toBeDefined();
  });
});
