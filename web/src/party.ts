import type { PassengerInput, PassengerType } from './__generated__/graphql';
import { PASSENGER_TYPES, emptyCounts, passengerList, type PassengerCounts, type TripChoice } from './trip';

/**
 * Who is travelling: a name and fare category per passenger, and an age for children (a child
 * under 4 travels free only when the age is given). Tickets do not carry names, so the party is
 * kept in the web app: in sessionStorage while booking, and per booking in localStorage once booked.
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
const BOOKED_PREFIX = 'railgraph.booking-passengers:';

export const NAME_MAX = 100;

/** Ages a category accepts when one is given (the fare rules'). */
export const AGE_RANGE: Partial<Record<PassengerType, { min: number; max: number }>> = { CHILD: { min: 0, max: 11 } };

export function countsOf(party: readonly PartyMember[]): PassengerCounts {
  const counts = emptyCounts();
  for (const member of party) counts[member.type] += 1;
  return counts;
}

const sameCounts = (a: PassengerCounts, b: PassengerCounts) => PASSENGER_TYPES.every((type) => a[type] === b[type]);

/** The `PassengerInput`s sent to `fares` and to `bookJourney`: the same list, ages included. */
export function partyInput(party: readonly PartyMember[]): PassengerInput[] {
  return party.map((member) =>
    member.age === undefined ? { type: member.type } : { type: member.type, age: member.age },
  );
}

/** Unnamed passengers of the trip's categories, to start filling in. */
export function blankParty(choice: TripChoice): PartyMember[] {
  return passengerList(choice.passengers).map(({ type }) => ({ name: '', type }));
}

/** What is wrong with one member's details, by field; empty when they are complete. */
export function memberProblems(member: PartyMember): { name?: string; age?: string } {
  const problems: { name?: string; age?: string } = {};
  const name = member.name.trim();
  if (!name) problems.name = 'Enter the passenger’s name.';
  else if (name.length > NAME_MAX) problems.name = `Use at most ${NAME_MAX} characters.`;
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

/** Keeps the names of a confirmed booking's passengers on this device. */
export function rememberBookedParty(bookingId: string, party: readonly PartyMember[], storage: Storage = localStorage) {
  storage.setItem(BOOKED_PREFIX + bookingId, JSON.stringify(party.map(({ name, type }) => ({ name, type }))));
}

/**
 * The name on each ticket, matched in order within each category (tickets record the category
 * but not the name); null for tickets booked elsewhere or on another device.
 */
export function ticketNames(
  bookingId: string,
  tickets: ReadonlyArray<{ passenger: PassengerType }>,
  storage: Storage = localStorage,
): Array<string | null> {
  const party = readList(storage.getItem(BOOKED_PREFIX + bookingId)) ?? [];
  const used = new Set<number>();
  return tickets.map((ticket) => {
    const index = party.findIndex((member, i) => !used.has(i) && member.type === ticket.passenger);
    if (index < 0) return null;
    used.add(index);
    return party[index]!.name;
  });
}
