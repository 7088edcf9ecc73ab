/** Summaries of samples, shared by the benchmarks that time things one by one. */

/** The middle value, or the mean of the two middle ones (as the pair harness computes it). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/**
 * The q-quantile by the nearest-rank method: a value that was actually observed, so a p99
 * of 10,000 samples is the 9,900th smallest, not an interpolation.
 */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN
  const sorted =
    values instanceof Float64Array ? Float64Array.from(values).sort() : [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)))
  return sorted[rank - 1]
}

export function mean(values) {
  if (values.length === 0) return Number.NaN
  let sum = 0
  for (const value of values) sum += value
  return sum / values.length
}

/** Latency summary in milliseconds, rounded to what the clock can tell apart. */
export function latencySummary(millis) {
  return {
    samples: millis.length,
    p50: round3(quantile(millis, 0.5)),
    p90: round3(quantile(millis, 0.9)),
    p99: round3(quantile(millis, 0.99)),
    max: round3(quantile(millis, 1)),
    mean: round3(mean(millis)),
  }
}

export function round3(value) {
  return Math.round(value * 1000) / 1000
}

export const integer = (value) => Math.round(value).toLocaleString('en-US')
