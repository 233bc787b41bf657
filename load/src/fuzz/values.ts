import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLInputType,
} from 'graphql';
import type { Facts } from './facts.js';
import type { Prng } from './prng.js';
import { plainString, randomId } from './strings.js';

/**
 * Values of the right type for arguments and input fields, often meaningful (a real station,
 * a date near today, a fresh quote, the caller's own booking) and sometimes at a boundary.
 */
export interface ValueSite {
  /** The type the field is on (`Query`, `TrainRun`, `BookJourneyInput`). */
  parent: string;
  /** The field whose argument this is (the input field's name inside an input object). */
  field: string;
  /** The argument or input field's name. */
  name: string;
}

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

const INT_BOUNDARIES = [0, -1, 1, 2_147_483_647, -2_147_483_648, 51, 1000];

/** The sandbox provider's test methods, and a few that are not method ids at all. */
const SANDBOX_TEST_METHODS = [
  'pm_card_mastercard',
  'pm_card_chargeDeclined',
  'pm_card_visa_chargeDeclinedInsufficientFunds',
  'pm_card_threeDSecure2Required',
  'pm_card_unknown',
  'card_visa',
  '',
];

const dayOffset = (today: string, days: number): string =>
  new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

function meaningful(rng: Prng, site: ValueSite, facts: Facts, scalar: string): Value | undefined {
  const pickOr = (items: readonly string[]): Value | undefined => (items.length > 0 ? rng.pick(items) : undefined);
  switch (site.name) {
    case 'from':
    case 'to':
      return pickOr(facts.stations);
    case 'code':
      return site.field === 'validateTicket' ? pickOr(facts.tickets.map((t) => t.code)) : pickOr(facts.stations);
    case 'search':
      return pickOr(facts.stations.map((s) => s.slice(0, rng.int(1, 3))));
    case 'date':
      return dayOffset(facts.today, rng.pick([0, 1, 1, 2, 3, -1, 30, 365, -400]));
    case 'after':
      if (scalar === 'DateTime')
        return `${dayOffset(facts.today, rng.int(0, 2))}T${String(rng.int(0, 23)).padStart(2, '0')}:00:00Z`;
      return pickOr(site.field === 'bookingEvents' ? facts.cursors : facts.bookings);
    case 'id':
      if (site.field === 'trainRun') return pickOr(facts.runs.map((r) => r.id));
      if (site.field === 'removeSavedPassenger') return pickOr(facts.savedPassengers);
      return pickOr(facts.bookings);
    case 'bookingId':
      return pickOr(facts.bookings);
    case 'ticketIds':
    case 'ticketId':
      return pickOr(facts.tickets.map((t) => t.id));
    case 'quoteToken':
      return pickOr(facts.quotes.map((q) => q.token));
    case 'fromStop':
      return rng.int(0, 3);
    case 'toStop':
      return rng.int(1, 6);
    case 'first':
      return rng.chance(0.85) ? rng.int(1, 50) : rng.pick(INT_BOUNDARIES);
    case 'age':
      return rng.chance(0.85) ? rng.int(0, 99) : rng.pick([-1, 130, 2_147_483_647]);
    case 'email':
      return `fuzz-${randomId(rng)}@example.com`;
    case 'password':
      return rng.chance(0.7) ? `pw-${randomId(rng)}-long-enough` : plainString(rng);
    case 'idempotencyKey':
      return rng.chance(0.9) ? `fuzz-${randomId(rng)}` : 'fuzz-reused-key';
    case 'seats':
      return `${rng.int(1, 12)}-${rng.int(1, 20)}${rng.pick(['A', 'B', 'C', 'D'])}`;
    case 'paymentMethod':
      return rng.chance(0.85) ? 'pm_card_visa' : rng.pick(SANDBOX_TEST_METHODS);
    default:
      return undefined;
  }
}

function scalarValue(rng: Prng, scalar: string, site: ValueSite, facts: Facts): Value {
  if (rng.chance(0.8)) {
    const known = meaningful(rng, site, facts, scalar);
    if (known !== undefined && (scalar !== 'Int' || typeof known === 'number')) return known;
  }
  switch (scalar) {
    case 'Int':
      return rng.chance(0.8) ? rng.int(0, 60) : rng.pick(INT_BOUNDARIES);
    case 'Float':
      return rng.chance(0.8) ? Math.round(rng.next() * 10_000) / 100 : rng.pick([0, -1.5, 1e300, -1e-300]);
    case 'Boolean':
      return rng.chance(0.5);
    case 'ID':
      return rng.chance(0.5) ? randomId(rng) : String(rng.int(0, 1_000_000));
    case 'Date':
      return dayOffset(facts.today, rng.int(-3, 10));
    case 'DateTime':
      return new Date(Date.parse(`${facts.today}T00:00:00Z`) + rng.int(-86_400, 864_000) * 1000).toISOString();
    default:
      return plainString(rng);
  }
}

/** A value of `type`; `nullable` values are sometimes null. */
export function valueOf(rng: Prng, type: GraphQLInputType, site: ValueSite, facts: Facts, depth = 0): Value {
  if (!isNonNullType(type) && rng.chance(0.05)) return null;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const item = inner.ofType as GraphQLInputType;
    const length = rng.chance(0.9) ? rng.int(0, 3) : rng.int(4, 20);
    return Array.from({ length }, () => valueOf(rng, item, site, facts, depth + 1));
  }
  if (isInputObjectType(inner)) {
    if (inner.name === 'BookJourneyInput') return bookJourneyInput(rng, facts);
    const result: { [key: string]: Value } = {};
    for (const field of Object.values(inner.getFields())) {
      if (!isNonNullType(field.type) && rng.chance(0.5)) continue;
      result[field.name] = valueOf(
        rng,
        field.type,
        { parent: inner.name, field: site.field, name: field.name },
        facts,
        depth + 1,
      );
    }
    return result;
  }
  if (isEnumType(inner)) return rng.pick(inner.getValues()).name;
  if (isScalarType(inner)) return scalarValue(rng, inner.name, site, facts);
  throw new Error(`no value for ${String(getNamedType(type))}`);
}

/**
 * A booking of a real quote, with the quoted passengers most of the time (so it can succeed),
 * else random ones (QUOTE_MISMATCH), sometimes naming seats.
 */
function bookJourneyInput(rng: Prng, facts: Facts): Value {
  const quote = facts.quotes.length > 0 && rng.chance(0.85) ? rng.pick(facts.quotes) : undefined;
  const passengers: Value =
    quote && rng.chance(0.85)
      ? quote.passengers.map(
          (p) => ({ ...p, name: rng.pick(['Ada Lovelace', 'Zoë Varga-Szabó']) }) as { [key: string]: Value },
        )
      : Array.from({ length: rng.int(1, 3) }, () => ({ type: rng.pick(['ADULT', 'CHILD', 'YOUTH', 'SENIOR']) }));
  return {
    quoteToken: quote?.token ?? randomId(rng),
    passengers,
    idempotencyKey: `fuzz-${randomId(rng)}`,
    // A traveller pays by card (the sandbox's test methods); now and then none, or not an id.
    ...(rng.chance(0.9) ? { paymentMethod: rng.chance(0.9) ? 'pm_card_visa' : rng.pick(SANDBOX_TEST_METHODS) } : {}),
    ...(rng.chance(0.1) ? { seats: [`${rng.int(1, 12)}-${rng.int(1, 20)}A`] } : {}),
  };
}
