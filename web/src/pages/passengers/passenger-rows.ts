import type { PassengerType } from '../../__generated__/graphql';
import { blankParty, readParty, type PartyMember } from '../../party';
import type { TripChoice } from '../../trip';

/** One passenger as the form holds it. */
export interface Row extends PartyMember {
  /** The age field as typed. */
  ageText: string;
  /** Save this passenger to the profile on continuing. */
  save: boolean;
}

/** A passenger saved to the traveller's profile. */
export type Saved = { id: string; name: string; type: PassengerType };

const toRow = (member: PartyMember): Row => ({
  ...member,
  ageText: member.age === undefined ? '' : String(member.age),
  save: false,
});

/** The party member a row stands for; an age that is not a whole number becomes -1 (invalid). */
export function toMember(row: Row): PartyMember {
  const age = row.type === 'CHILD' && row.ageText.trim() !== '' ? Number(row.ageText) : undefined;
  return {
    name: row.name.trim(),
    type: row.type,
    ...(age === undefined ? {} : { age: Number.isInteger(age) ? age : -1 }),
    ...(row.savedId ? { savedId: row.savedId } : {}),
  };
}

/** Fills empty rows with saved passengers of the same category, each used once. */
export function prefill(rows: Row[], saved: readonly Saved[]): Row[] {
  const used = new Set(rows.map((r) => r.savedId).filter(Boolean));
  return rows.map((row) => {
    if (row.name.trim()) return row;
    const match = saved.find((s) => s.type === row.type && !used.has(s.id));
    if (!match) return row;
    used.add(match.id);
    return { ...row, name: match.name, savedId: match.id };
  });
}

/** The rows to start from: the party filled in earlier for these passengers, or blank ones. */
export const initialRows = (choice: TripChoice): Row[] => (readParty(choice) ?? blankParty(choice)).map(toRow);

/** The row is already one of the saved passengers (same category, same name). */
export const isSaved = (row: Row, saved: readonly Saved[]) =>
  saved.some((s) => s.type === row.type && s.name.trim().toLowerCase() === row.name.trim().toLowerCase());
