/**
 * A seeded random source for tests and benchmarks: the same seed gives the same sequence, so a
 * property test's failure names the seed that reproduces it and every benchmark run sees the
 * same workload. Kept here, beside the other test support, as the one package both the
 * services' tests and the benchmarks already depend on; it imports nothing, so a benchmark
 * loads it without the test runner.
 */

/** mulberry32: a small deterministic generator returning numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
