import type { PassengerInput, PassengerType } from './__generated__/graphql';
import { PASSENGER_TYPES, emptyCounts, passengerList, type PassengerCounts, type TripChoice } from './trip';

/**
 * Who is travelling: a name and fare category per passenger, and an age for children (a child
 * under 4 travels free only when the age is given). The party is kept in sessionStorage while
 * booking; the booking sends the names, and each ticket carries its passenger's name from then on.
 */
export interface PartyMember {
  name: string;
  type: PassengerType;
  /** Whole years; only asked for children. */
  age?: number;
  /** The saved passenger this member was filled in from. */
  savedId?: string;
}

const PARTY_KEY = 'railgraph.party';

/** Most characters of a name on a ticket, as the API takes it. */
export const NAME_MAX = 70;

/**
 * What a name on a ticket may be made of, as the API checks it: letters of any script with their
 * marks, spaces, hyphens, apostrophes and full stops, and at least one letter.
 */
const NAME_CHARACTERS = /^[\p{L}\p{M} \-\u2010'\u2019.]+$/u;
const LETTER = /\p{L}/u;

/** Ages a category accepts when one is given (the fare rules'). */
export const AGE_RANGE: Partial<Record<PassengerType, { min: number; max: number }>> = { CHILD: { min: 0, max: 11 } };

export function countsOf(party: readonly PartyMember[]): PassengerCounts {
  const counts = emptyCounts();
  for (const member of party) counts[member.type] += 1;
  return counts;
}

const sameCounts = (a: PassengerCounts, b: PassengerCounts) => PASSENGER_TYPES.every((type) => a[type] === b[type]);

/**
 * The `PassengerInput`s sent to `fares`: categories and ages, which the price depends on. Names
 * are left out: a quote never depends on them.
 */
export function partyInput(party: readonly PartyMember[]): PassengerInput[] {
  return party.map((member) =>
    member.age === undefined ? { type: member.type } : { type: member.type, age: member.age },
  );
}

/** The `PassengerInput`s sent to `bookJourney`: the quoted list, each with the passenger's name. */
export function bookingInput(party: readonly PartyMember[]): PassengerInput[] {
  return partyInput(party).map((passenger, i) => ({ ...passenger, name: party[i]!.name.trim() }));
}

/** Unnamed passengers of the trip's categories, to start filling in. */
export function blankParty(choice: TripChoice): PartyMember[] {
  return passengerList(choice.passengers).map(({ type }) => ({ name: '', type }));
}

/** What is wrong with one member's details, by field; empty when they are complete. */
export function memberProblems(member: PartyMember): { name?: string; age?: string } {
  const problems: { name?: string; age?: string } = {};
  const name = member.name.normalize('NFC').trim();
  if (!name) problems.name = 'Enter the passenger’s name.';
  else if ([...name].length > NAME_MAX) problems.name = `Use at most ${NAME_MAX} characters.`;
  else if (!NAME_CHARACTERS.test(name) || !LETTER.test(name))
    problems.name = 'Use letters, spaces, hyphens, apostrophes and full stops only.';
  const range = AGE_RANGE[member.type];
  if (member.age !== undefined && (!range || member.age < range.min || member.age > range.max))
    problems.age = range ? `A child is ${range.min} to ${range.max} years old.` : 'Age is only asked for children.';
  return problems;
}

function isMember(value: unknown): value is PartyMember {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    typeof m['name'] === 'string' &&
    PASSENGER_TYPES.includes(m['type'] as PassengerType) &&
    (m['age'] === undefined || Number.isInteger(m['age'])) &&
    (m['savedId'] === undefined || typeof m['savedId'] === 'string')
  );
}

function readList(raw: string | null): PartyMember[] | null {
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) && parsed.every(isMember) ? parsed : null;
  } catch {
    return null;
  }
}

/** The party filled in for this trip, when its categories still match the trip's passengers. */
export function readParty(choice: TripChoice, storage: Storage = sessionStorage): PartyMember[] | null {
  const party = readList(storage.getItem(PARTY_KEY));
  if (!party || !sameCounts(countsOf(party), choice.passengers)) return null;
  return party.every((member) => Object.keys(memberProblems(member)).length === 0) ? party : null;
}

export function writeParty(party: readonly PartyMember[], storage: Storage = sessionStorage): void {
  storage.setItem(PARTY_KEY, JSON.stringify(party.map((member) => ({ ...member, name: member.name.trim() }))));
}
