// The statistics the benchmarks print.

/** The median (the upper one of an even count); `values` is left as it is. */
export const median = (values) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * The median of the per-round ratios `times[k] / base[k]`: batch k of one verifier over
 * batch k of another, run moments apart, so that the machine's changes of speed between
 * rounds cancel out.
 */
export const perRoundRatio = (times, base) =>
  median(times.map((time, k) => time / base[k]));
