/**
 * Compact columns for the gate's in-memory registry: a French national number (`+33` and 9 digits)
 * is an integer below 10^9 < 2^30, kept as a bucket (its top 16 bits, through an offsets table) and
 * its low 14 bits in a Uint16Array: 2 bytes a row instead of the ~60 of a string in a Set. Everything
 * else (overseas `+590…`, foreign numbers, short numbers) goes to a side Map of row objects.
 */

const LOW_BITS = 14;
const LOW_MASK = (1 << LOW_BITS) - 1;
const BUCKETS = 1 << 16;

/** The integer key of `+33` and 9 digits (the national number without its 0), or -1. */
export function numberKey(e164: string): number {
  if (
    e164.length !== 12 ||
    e164.charCodeAt(0) !== 43 ||
    e164.charCodeAt(1) !== 51 ||
    e164.charCodeAt(2) !== 51
  )
    return -1;
  let key = 0;
  for (let i = 3; i < 12; i++) {
    const d = e164.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    key = key * 10 + d;
  }
  return key;
}

/** The E.164 writing of a key. */
export function keyNumber(key: number): string {
  return `+33${String(key).padStart(9, '0')}`;
}

/** Sorted keys (with repeats) as bucket offsets and low bits. */
export class SortedKeys {
  readonly #offsets: Uint32Array;
  readonly #low: Uint16Array;

  /** `keys` must be sorted ascending. */
  constructor(keys: Uint32Array) {
    const offsets = new Uint32Array(BUCKETS + 1);
    const low = new Uint16Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] ?? 0;
      const b = k >>> LOW_BITS;
      offsets[b + 1] = (offsets[b + 1] ?? 0) + 1;
      low[i] = k & LOW_MASK;
    }
    for (let b = 0; b < BUCKETS; b++) offsets[b + 1] = (offsets[b + 1] ?? 0) + (offsets[b] ?? 0);
    this.#offsets = offsets;
    this.#low = low;
  }

  get length(): number {
    return this.#low.length;
  }

  get bytes(): number {
    return this.#offsets.byteLength + this.#low.byteLength;
  }

  /** Every key, in order (with repeats). */
  toArray(): Uint32Array {
    const out = new Uint32Array(this.#low.length);
    for (let b = 0; b < BUCKETS; b++) {
      const high = b << LOW_BITS;
      const last = this.#offsets[b + 1] ?? 0;
      for (let i = this.#offsets[b] ?? 0; i < last; i++) out[i] = high | (this.#low[i] ?? 0);
    }
    return out;
  }

  /** Whether `key` is present. */
  has(key: number): boolean {
    return this.find(key) >= 0;
  }

  /** One past the last row of the key the last successful `find` found. */
  end = 0;

  /** The first row of `key`, or -1; its rows run to `this.end`. */
  find(key: number): number {
    const b = key >>> LOW_BITS;
    if (b >= BUCKETS) return -1;
    let lo = this.#offsets[b] ?? 0;
    const last = this.#offsets[b + 1] ?? 0;
    let hi = last;
    const want = key & LOW_MASK;
    const low = this.#low;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((low[mid] ?? 0) < want) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= last || low[lo] !== want) return -1;
    let end = lo + 1;
    while (end < last && low[end] === want) end++;
    this.end = end;
    return lo;
  }
}

/** Unsigned integers below 2^32 in the fewest bytes their largest value needs (1, 2, 3 or 4). */
export class PackedUints {
  readonly #lo16: Uint16Array | undefined;
  readonly #hi8: Uint8Array | undefined;
  readonly #u8: Uint8Array | undefined;
  readonly #u32: Uint32Array | undefined;

  constructor(values: Uint32Array) {
    let max = 0;
    for (let i = 0; i < values.length; i++) if ((values[i] ?? 0) > max) max = values[i] ?? 0;
    if (max < 1 << 8) this.#u8 = Uint8Array.from(values);
    else if (max < 1 << 24) {
      this.#lo16 = new Uint16Array(values.length);
      this.#hi8 = max < 1 << 16 ? undefined : new Uint8Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const v = values[i] ?? 0;
        this.#lo16[i] = v & 0xffff;
        if (this.#hi8 !== undefined) this.#hi8[i] = v >>> 16;
      }
    } else this.#u32 = values;
  }

  get(i: number): number {
    if (this.#u8 !== undefined) return this.#u8[i] ?? 0;
    if (this.#lo16 !== undefined)
      return (this.#lo16[i] ?? 0) + (this.#hi8 === undefined ? 0 : (this.#hi8[i] ?? 0) * 65536);
    return this.#u32?.[i] ?? 0;
  }

  get bytes(): number {
    return (
      (this.#u8?.byteLength ?? 0) +
      (this.#lo16?.byteLength ?? 0) +
      (this.#hi8?.byteLength ?? 0) +
      (this.#u32?.byteLength ?? 0)
    );
  }
}

/** A Uint32Array that grows as rows are pushed (the builders' columns before they are packed). */
export class GrowingUints {
  #values: Uint32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.#values = new Uint32Array(Math.max(16, capacity));
  }

  push(value: number): void {
    if (this.length === this.#values.length) {
      const next = new Uint32Array(this.#values.length * 2);
      next.set(this.#values);
      this.#values = next;
    }
    this.#values[this.length++] = value;
  }

  /** The pushed values (a view, no copy when full). */
  values(): Uint32Array {
    return this.#values.subarray(0, this.length);
  }
}

/** Instants in whole seconds (Uint32: 1970–2106); `NO_SECONDS` marks a value kept exactly elsewhere. */
export const NO_SECONDS = 0xffffffff;

/** The seconds of `ms` when it is a whole second in range, else NO_SECONDS. */
export function toSeconds(ms: number | null): number {
  if (ms === null || ms < 0 || ms % 1000 !== 0) return NO_SECONDS;
  const s = ms / 1000;
  return Math.min(s, NO_SECONDS);
}

/** Interned tuples: a dictionary of the few distinct (client, scope, file…) combinations of a kind. */
export class Dictionary<T> {
  readonly values: T[] = [];
  readonly #ids = new Map<string, number>();

  id(key: string, make: () => T): number {
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(make());
      this.#ids.set(key, id);
    }
    return id;
  }
}

/** The distinct keys of sorted arrays, merged in order. */
export function mergeDistinct(arrays: readonly Uint32Array[]): Uint32Array {
  let merged: Uint32Array = new Uint32Array(0);
  for (const next of arrays) {
    const out = new Uint32Array(merged.length + next.length);
    let i = 0;
    let j = 0;
    let k = 0;
    let last = -1;
    while (i < merged.length || j < next.length) {
      const a = i < merged.length ? (merged[i] as number) : Number.POSITIVE_INFINITY;
      const b = j < next.length ? (next[j] as number) : Number.POSITIVE_INFINITY;
      const v = Math.min(a, b);
      if (a <= b) i++;
      else j++;
      if (v !== last) {
        out[k++] = v;
        last = v;
      }
    }
    merged = out.slice(0, k);
  }
  return merged;
}
