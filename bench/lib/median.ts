// Shared by the benchmarks: the median of their rounds, the figure they report on a noisy machine.

/** The middle value of a non-empty list (the upper of the two middles for an even count). */
export const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
