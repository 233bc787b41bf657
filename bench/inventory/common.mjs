// Shared by the inventory benches: a realistic run layout and a seeded random source.
// Run `npm run build` first: the benches use the compiled engines in subgraphs/inventory/dist.

/** mulberry32: a small seeded generator, so every run of a bench sees the same days. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const positions = ['WINDOW', 'AISLE', 'AISLE', 'WINDOW'];

/** A coach with rows of four seats (window, aisle, aisle, window) labelled 1A 1B 1C 1D 2A ... */
export function coach(number, seatClass, seatCount) {
  return {
    number,
    seatClass,
    seatCount,
    seats: Array.from({ length: seatCount }, (_, i) => ({
      label: `${Math.floor(i / 4) + 1}${'ABCD'[i % 4]}`,
      position: positions[i % 4],
    })),
  };
}

/** An intercity run: 12 coaches (2 FIRST of 48 seats, 10 STANDARD of 72: 816 seats) over `stops` stops. */
export function intercityRun(runId, stops) {
  return {
    runId,
    legCount: stops - 1,
    consistId: `ic-12-${stops}`,
    coaches: [
      coach(1, 'FIRST', 48),
      coach(2, 'FIRST', 48),
      ...Array.from({ length: 10 }, (_, i) => coach(i + 3, 'STANDARD', 72)),
    ],
  };
}

/** A line of the bench's report on stdout. */
export const print = (line) => process.stdout.write(`${line}\n`);
