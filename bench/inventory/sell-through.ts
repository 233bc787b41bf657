// Sell-through of best-fit seating against first fit: a day of random journeys and group
// sizes on a 12-coach, 15-stop run, several days per demand level, the same requests for
// both allocators. Sell-through = seat-legs sold / seat-legs offered.
//   node bench/dist/inventory/sell-through.js [days]
import {
  bestFitAllocator,
  createMemoryEngine,
  firstFitAllocator,
  type SeatAllocator,
  type SeatClass,
  type SeatPreference,
} from '@railgraph/inventory/engine';
import { intercityRun, isSoldOut, print, seededRandom } from './common.js';

const days = Number(process.argv[2] ?? 20);
const layout = intercityRun('IC900:2026-12-01', 15);
const legs = layout.legCount;
const capacity = { FIRST: 96, STANDARD: 720 };
const offered = (capacity.FIRST + capacity.STANDARD) * legs;

interface BookingRequest {
  fromStop: number;
  toStop: number;
  seatClass: SeatClass;
  count: number;
  preference: SeatPreference | undefined;
}

/** Party sizes: mostly alone or in pairs, sometimes families and groups up to nine. */
function partySize(random: () => number): number {
  const r = random();
  if (r < 0.55) return 1;
  if (r < 0.8) return 2;
  if (r < 0.9) return 3;
  if (r < 0.96) return 4;
  return 5 + Math.floor(random() * 5);
}

/** A day's booking requests, in arrival order, until demand reaches `demand` × the seat-legs offered. */
function dayOfRequests(seed: number, demand: number): BookingRequest[] {
  const random = seededRandom(seed);
  const requests: BookingRequest[] = [];
  let asked = 0;
  while (asked < demand * offered) {
    const fromStop = Math.floor(random() * legs);
    // Journeys of every length, short ones more often.
    const length = 1 + Math.floor(random() ** 1.6 * (legs - fromStop));
    const toStop = Math.min(legs, fromStop + length);
    const seatClass = random() < 0.12 ? 'FIRST' : 'STANDARD';
    const count = partySize(random);
    const preference = random() < 0.3 ? (random() < 0.6 ? 'WINDOW' : 'AISLE') : undefined;
    requests.push({ fromStop, toStop, seatClass, count, preference });
    asked += count * (toStop - fromStop);
  }
  return requests;
}

async function sellDay(allocate: SeatAllocator, requests: readonly BookingRequest[]) {
  const engine = createMemoryEngine({ allocate });
  const now = new Date('2026-12-01T06:00:00Z');
  let sold = 0;
  let refused = 0;
  for (const [i, r] of requests.entries()) {
    try {
      const hold = await engine.hold(layout, { holdId: `b${i}`, ...r, ttlMs: 120_000, now });
      await engine.confirm(hold.holdId);
      sold += hold.seats.length * (r.toStop - r.fromStop);
    } catch (error) {
      if (!isSoldOut(error)) throw error;
      refused++;
    }
  }
  return { sold, refused };
}

/** Any free seat, at random: what an allocator that ignores the seat's other legs amounts to. */
function randomFitAllocator(seed: number): SeatAllocator {
  const random = seededRandom(seed);
  return (occupancy, request) => {
    const candidates: number[] = [];
    const occ = occupancy.occupancy;
    for (let seat = 0; seat < occupancy.seats.capacity; seat++) {
      let taken = false;
      for (let leg = request.fromLeg; leg < request.toLeg && !taken; leg++)
        taken = ((occ.words[seat * occ.wordsPerSeat + (leg >> 5)]! >>> (31 - (leg & 31))) & 1) === 1;
      if (!taken) candidates.push(seat);
    }
    if (candidates.length < request.count) return null;
    for (let i = candidates.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
    }
    return candidates.slice(0, request.count);
  };
}

const allocators: Record<string, SeatAllocator> = {
  'best fit': bestFitAllocator,
  'first fit': firstFitAllocator,
  'random free seat': randomFitAllocator(7),
};
print(`run: 12 coaches, 816 seats, ${legs} legs; ${offered} seat-legs offered per day; ${days} days per demand level`);
print(
  '| demand (seat-legs asked / offered) | allocator | sell-through | requests refused | sell-through / first fit |',
);
print('| --- | --- | --- | --- | --- |');
for (const demand of [1.0, 1.5, 2.5]) {
  const totals: Record<string, { sellThrough: number; refusedShare: number }> = {};
  for (const [name, allocate] of Object.entries(allocators)) {
    let sold = 0;
    let refused = 0;
    let requests = 0;
    for (let day = 0; day < days; day++) {
      const day_ = dayOfRequests(1000 + day, demand);
      const result = await sellDay(allocate, day_);
      sold += result.sold;
      refused += result.refused;
      requests += day_.length;
    }
    totals[name] = { sellThrough: sold / (offered * days), refusedShare: refused / requests };
  }
  for (const [name, t] of Object.entries(totals)) {
    const ratio = t.sellThrough / totals['first fit']!.sellThrough;
    print(
      `| ${demand.toFixed(1)} | ${name} | ${(t.sellThrough * 100).toFixed(2)} % | ${(t.refusedShare * 100).toFixed(1)} % | ${ratio.toFixed(4)} |`,
    );
  }
}
