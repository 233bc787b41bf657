import type { Prng } from './prng.js';

/**
 * Strings for arguments: ordinary ones for valid operations, and the odd ones an edge must
 * survive (NUL, lone surrogates, direction marks, emoji, combining marks, very long values).
 */
const WORDS = ['kings', 'cross', 'york', 'leeds', 'edinburgh', 'rail', 'fare', 'seat', 'a', 'Z'];

export function plainString(rng: Prng): string {
  const roll = rng.next();
  if (roll < 0.05) return '';
  if (roll < 0.1) return 'x'.repeat(rng.int(200, 2_000));
  if (roll < 0.2) return `${rng.pick(WORDS)} ${rng.pick(['é', 'ß', '東京', '🚆'])}`;
  return Array.from({ length: rng.int(1, 3) }, () => rng.pick(WORDS)).join(rng.pick([' ', '-', '']));
}

/** Kinds of odd text, each a short sample of what a hostile or careless client sends. */
export const ODD_TEXT = {
  nul: 'a\u0000b',
  loneHighSurrogate: 'x\ud800y',
  loneLowSurrogate: '\udc00',
  rtl: '\u202eKGX\u202c\u200f',
  zeroWidth: 'K\u200bG\u200dX\ufeff',
  emoji: '🚆🚄👩‍👩‍👧‍👦🏳️‍🌈',
  combining: `e${'\u0301'.repeat(500)}`,
  control: '\u0001\u0007\u001b[31m\r\n\t',
  sqlish: '\'; DROP TABLE "Booking"; --',
  percent: '%s%n%x%00${x}{{x}}',
  nonCharacter: '\uffff\ufffe',
  astral: '\u{10ffff}\u{1f600}',
  longName: 'N'.repeat(10_000),
  veryLong: 'L'.repeat(100_000),
} as const;
export type OddText = keyof typeof ODD_TEXT;

export function oddString(rng: Prng): { kind: OddText; value: string } {
  const kind = rng.pick(Object.keys(ODD_TEXT) as OddText[]);
  return { kind, value: ODD_TEXT[kind] };
}

/** Odd text that is still a well-formed GraphQL string literal (no lone surrogates). */
export function oddLiteralSafe(rng: Prng): { kind: OddText; value: string } {
  const picked = oddString(rng);
  return picked.kind === 'loneHighSurrogate' || picked.kind === 'loneLowSurrogate'
    ? { kind: 'emoji', value: ODD_TEXT.emoji }
    : picked;
}

export const randomId = (rng: Prng): string =>
  Array.from({ length: 4 }, () => rng.int(0, 0xffff).toString(16).padStart(4, '0')).join('-');

/** A GraphQL string literal for `value` (JSON's escapes are GraphQL's). */
export const stringLiteral = (value: string): string => JSON.stringify(value);
