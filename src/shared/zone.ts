import { zoneOffsetMinutes } from './time.ts';

/** A stretch of time during which a zone keeps one UTC offset. */
export interface ZoneInterval {
  /** UTC start of the stretch, ms since the epoch (-Infinity for the first). */
  readonly utcStart: number;
  /** Offset from UTC in minutes (Paris in winter: 60). */
  readonly offset: number;
}

const DAY = 86_400_000;
const cache = new Map<string, readonly ZoneInterval[]>();

/**
 * The offset changes of an IANA zone between two years, read from `Intl` (the runtime's tz database).
 * Probed weekly, then bisected to the minute: no zone changes its offset twice within a week.
 */
export function zoneIntervals(timeZone: string, fromYear = 2000, toYear = 2040): readonly ZoneInterval[] {
  const key = `${timeZone}|${fromYear}|${toYear}`;
  const known = cache.get(key);
  if (known) return known;
  const start = Date.UTC(fromYear, 0, 1);
  const end = Date.UTC(toYear, 0, 1);
  const offsetAt = (ms: number) => zoneOffsetMinutes(new Date(ms), timeZone);
  const intervals: ZoneInterval[] = [{ utcStart: Number.NEGATIVE_INFINITY, offset: offsetAt(start) }];
  let previous = offsetAt(start);
  for (let t = start + 7 * DAY; t < end + 7 * DAY; t += 7 * DAY) {
    const current = offsetAt(t);
    if (current === previous) continue;
    let low = t - 7 * DAY;
    let high = t;
    while (high - low > 60_000) {
      const mid = low + Math.floor((high - low) / 120_000) * 60_000;
      if (offsetAt(mid) === previous) low = mid;
      else high = mid;
    }
    intervals.push({ utcStart: high, offset: current });
    previous = current;
  }
  cache.set(key, intervals);
  return intervals;
}

const timestamp = (ms: number) => `TIMESTAMP '${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)}'`;

/**
 * A DuckDB expression over a naive local TIMESTAMP giving `(offset + 1440) * 4 + flag`, where the
 * offset in minutes is the one to subtract to reach UTC and the flag is 1 for a time in the spring
 * gap (moved forward by the gap), 2 for a time in the autumn overlap (read as its first occurrence).
 * Built from `Intl`'s tz data rather than DuckDB's ICU, whose bundled rules can lag (Morocco's, for
 * one); a balanced tree of comparisons keeps it to a few tests per row.
 */
export function localToUtcCodeSql(local: string, timeZone: string): string {
  const key = `${local}|${timeZone}`;
  let sql = codeSqlCache.get(key);
  if (sql === undefined) {
    sql = buildLocalToUtcCodeSql(local, timeZone);
    codeSqlCache.set(key, sql);
  }
  return sql;
}

const codeSqlCache = new Map<string, string>();

function buildLocalToUtcCodeSql(local: string, timeZone: string): string {
  const intervals = zoneIntervals(timeZone);
  type Arm = { localStart: number; code: string };
  const arms: Arm[] = intervals.map((interval, i) => {
    const previous = intervals[i - 1]?.offset ?? interval.offset;
    const next = intervals[i + 1];
    const localStart = interval.utcStart + interval.offset * 60_000;
    const encode = (offset: number, flag: number) => String((offset + 1440) * 4 + flag);
    const checks: string[] = [];
    if (interval.offset < previous) {
      // Autumn: local times in [localStart, localStart + (previous - offset)) happened twice.
      checks.push(
        `WHEN ${local} < ${timestamp(localStart + (previous - interval.offset) * 60_000)} THEN ${encode(previous, 2)}`,
      );
    }
    if (next !== undefined && next.offset > interval.offset) {
      // Spring: local times from the end of this stretch on, up to the next stretch's start, never happened.
      checks.push(
        `WHEN ${local} >= ${timestamp(next.utcStart + interval.offset * 60_000)} THEN ${encode(interval.offset, 1)}`,
      );
    }
    const code =
      checks.length > 0
        ? `(CASE ${checks.join(' ')} ELSE ${encode(interval.offset, 0)} END)`
        : encode(interval.offset, 0);
    return { localStart, code };
  });
  const tree = (from: number, to: number): string => {
    if (to - from === 1) return arms[from]?.code ?? '0';
    const mid = Math.floor((from + to) / 2);
    const pivot = arms[mid]?.localStart ?? 0;
    return `(CASE WHEN ${local} >= ${timestamp(pivot)} THEN ${tree(mid, to)} ELSE ${tree(from, mid)} END)`;
  };
  return tree(0, arms.length);
}
