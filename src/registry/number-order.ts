/**
 * The order in which a stored audit walks the called numbers, shared by the calls' stream and the
 * registry's per-number cursors so that both meet each number in turn: by the top 53 bits of DuckDB's
 * `hash(number)` (exact in a DOUBLE, so JavaScript compares the same keys), then by the number. Hashing
 * spreads the numbers evenly over `HASH_RANGES` ranges (the top bits of the hash), which an audit
 * streams one after the other, or shares out between workers.
 */

/** Bits of the hash that choose a range: 2^RANGE_BITS ranges. */
const RANGE_BITS = 3;
export const HASH_RANGES = 1 << RANGE_BITS;

/** The SQL order key of `column` (a DOUBLE holding an integer below 2^53). */
export function numberKeySql(column: string): string {
  return `(hash(${column}) >> 11)::DOUBLE`;
}

/** The SQL range (0 to HASH_RANGES - 1) of `column`. */
export function numberRangeSql(column: string): string {
  return `(hash(${column}) >> ${64 - RANGE_BITS})`;
}

/** Which of `count` workers takes the ranges `r` with `r % count === index`. */
export interface Share {
  readonly index: number;
  readonly count: number;
}

export const WHOLE: Share = { index: 0, count: 1 };

/** The ranges of `share`, in order. */
export function rangesOf(share: Share): number[] {
  const ranges: number[] = [];
  for (let r = share.index; r < HASH_RANGES; r += share.count) ranges.push(r);
  return ranges;
}

/** The SQL condition that `column` is in one of `share`'s ranges (TRUE for the whole). */
export function shareSql(column: string, share: Share): string {
  return share.count === 1 ? 'TRUE' : `${numberRangeSql(column)} % ${share.count} = ${share.index}`;
}

/**
 * Compares numbers as `ORDER BY numberKey, number` does. DuckDB compares VARCHARs by their UTF-8
 * bytes and JavaScript by UTF-16 units: the same order for the numbers stored (E.164, ASCII).
 */
export function compareNumberOrder(keyA: number, a: string, keyB: number, b: string): number {
  if (keyA !== keyB) return keyA < keyB ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}
