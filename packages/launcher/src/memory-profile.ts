/**
 * How the launcher's processes use memory. `small` (the default) keeps a laptop's `npm start`
 * small: V8's young generation capped at 1 MB per semi-space (Node's default lets it grow to
 * 16 MB, and a busy service keeps it there) and V8's memory-saving heuristics
 * (`--optimize-for-size`: a heap that grows less ahead of its live data), and glibc limited to
 * two malloc arenas. Measured after a cold start and 1,000 bookings: about 750 MB of PSS in the
 * Node.js processes with Node's defaults against 470-510 MB (bench/RESULTS.md, Start-up).
 * `fast` runs each process as the chart's containers do (its `semiSpaceMegabytes`): Node's
 * defaults but for a young generation of up to FAST_SEMI_SPACE_MB per semi-space. This is what
 * the throughput benchmarks measure.
 */
export type ProcessMemory = 'small' | 'fast';

export interface MemoryProfile {
  /** Node's options for every process the launcher starts. */
  execArgv: string[];
  /** Environment for every process the launcher starts (what the environment sets itself wins). */
  env: Record<string, string>;
}

/**
 * The chart's default semi-space: at Node's 16 MB a busy service collects its young generation
 * several times a second, and requests waiting out a rush survive into the old heap.
 */
export const FAST_SEMI_SPACE_MB = 64;

export function memoryProfile(memory: ProcessMemory): MemoryProfile {
  if (memory === 'fast') return { execArgv: [`--max-semi-space-size=${FAST_SEMI_SPACE_MB}`], env: {} };
  return { execArgv: ['--max-semi-space-size=1', '--optimize-for-size'], env: { MALLOC_ARENA_MAX: '2' } };
}
