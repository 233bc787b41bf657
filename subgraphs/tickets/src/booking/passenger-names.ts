import { badInput } from '@railgraph/service-kit';
import type { BookingOwner } from './owner.js';

/**
 * Passengers' names on tickets: what an inspector matches to an ID, so they are printed on the
 * ticket and signed into its code. A traveller books for people and names each of them; a
 * partner client may book without names (its own systems may hold them), but a name it gives
 * is checked the same way.
 */

/** Most characters (code points) a name may have: what a ticket and its QR code have room for. */
export const PASSENGER_NAME_MAX = 70;

/**
 * Letters of any script with their combining marks (Devanagari or decomposed accents need
 * them), and the space, hyphens, apostrophes and periods names are written with. Nothing else:
 * no digits, no symbols, and no control or invisible formatting characters that would print
 * something other than what the inspector reads.
 */
const allowedPattern = /^[\p{L}\p{M} \-\u2010'\u2019.]+$/u;
const letterPattern = /\p{L}/u;

/** Where a passenger's name is in `BookJourneyInput`, for `extensions.field` (0-based index). */
export const nameField = (index: number) => `passengers[${index}].name`;

/**
 * Each passenger's name, checked and normalised (trimmed, NFC so one name has one spelling
 * whatever keyboard typed it), or null where none was given; BAD_USER_INPUT with the
 * passenger's field for a bad name, and for any passenger a traveller did not name.
 */
export function checkPassengerNames(
  names: ReadonlyArray<string | null> | undefined,
  passengerCount: number,
  owner: BookingOwner,
): Array<string | null> {
  return Array.from({ length: passengerCount }, (_, index) => {
    const raw = names?.[index] ?? null;
    if (raw === null) {
      if (owner.kind === 'TRAVELLER') {
        throw badInput(`Enter the name of passenger ${index + 1} as on their ID`, { field: nameField(index) });
      }
      return null;
    }
    return checkName(raw, index);
  });
}

function checkName(raw: string, index: number): string {
  const field = nameField(index);
  const name = raw.normalize('NFC').trim();
  const length = [...name].length;
  if (length === 0) throw badInput(`Enter the name of passenger ${index + 1} as on their ID`, { field });
  if (length > PASSENGER_NAME_MAX) {
    throw badInput(`The name of passenger ${index + 1} is too long: use at most ${PASSENGER_NAME_MAX} characters`, {
      field,
    });
  }
  if (!allowedPattern.test(name) || !letterPattern.test(name)) {
    throw badInput(
      `The name of passenger ${index + 1} may only have letters, spaces, hyphens, apostrophes and periods`,
      { field },
    );
  }
  return name;
}
