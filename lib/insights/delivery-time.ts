/**
 * Delivery time (sent -> done) histograms. Bucket b holds [2^(b/4) - 1, 2^((b+1)/4) - 1) seconds:
 * each about 19 % wider than the one before, from a fraction of a second to days in under 80
 * buckets. The database computes the same bucket (delivery_time_bucket() in migration 0020).
 */

export const MAX_BUCKET = 127;

/** The bucket of a time; 1e-9 puts a time on a bucket's edge in the bucket it starts, as the database does. */
export function bucketOf(seconds: number): number {
  return Math.min(MAX_BUCKET, Math.floor((4 * Math.log(seconds + 1)) / Math.LN2 + 1e-9));
}

/** The seconds bucket b starts at (inclusive) and ends at (exclusive). */
export function bucketBounds(bucket: number): [number, number] {
  return [2 ** (bucket / 4) - 1, 2 ** ((bucket + 1) / 4) - 1];
}

export type Histogram = ReadonlyMap<number, number> | readonly { bucket: number; messages: number }[];

function entries(histogram: Histogram): [number, number][] {
  const list = Array.isArray(histogram)
    ? (histogram as { bucket: number; messages: number }[]).map((row): [number, number] => [row.bucket, row.messages])
    : [...(histogram as ReadonlyMap<number, number>)];
  return list.filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
}

/**
 * The p-quantile (0 < p <= 1) of the times the histogram counts, in seconds: the bucket that holds
 * the rank, interpolated linearly inside it. Within one bucket of the exact value; null when empty.
 */
export function percentile(histogram: Histogram, p: number): number | null {
  const list = entries(histogram);
  const total = list.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [bucket, n] of list) {
    if (seen + n >= rank) {
      const [lo, hi] = bucketBounds(bucket);
      return lo + ((hi - lo) * (rank - seen - 0.5)) / n;
    }
    seen += n;
  }
  return null;
}

/** The share of the counted messages done within each bucket's end, in bucket order: a cumulative curve. */
export function cumulativeShares(histogram: Histogram): { seconds: number; share: number }[] {
  const list = entries(histogram);
  const total = list.reduce((sum, [, n]) => sum + n, 0);
  let seen = 0;
  return list.map(([bucket, n]) => {
    seen += n;
    return { seconds: bucketBounds(bucket)[1], share: total ? seen / total : 0 };
  });
}
