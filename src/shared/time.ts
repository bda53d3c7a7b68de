/**
 * Converts a naive local time (`YYYY-MM-DDTHH:MM:SS`) in an IANA zone to UTC with Intl. In the spring
 * gap the time moves forward by the gap; in the autumn overlap the first (summer-time) instant is taken,
 * the same policy as the call ingest.
 */
export function localToUtc(local: string, timeZone: string): Date | undefined {
  const asUtc = new Date(`${local}Z`);
  if (Number.isNaN(asUtc.getTime())) return undefined;
  const offsetAt = (instant: Date) => zoneOffsetMinutes(instant, timeZone);
  const first = new Date(asUtc.getTime() - offsetAt(asUtc) * 60_000);
  const second = new Date(asUtc.getTime() - offsetAt(first) * 60_000);
  const candidates = [first, second].filter((d) => formatLocal(d, timeZone) === local.slice(0, 19));
  if (candidates.length > 0) return new Date(Math.min(...candidates.map((d) => d.getTime())));
  return new Date(Math.max(first.getTime(), second.getTime()));
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One cached Intl formatter per zone, reading a wall clock as numeric 24-hour parts. */
export function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local wall-clock time of an instant in a zone, as `YYYY-MM-DDTHH:MM:SS`. */
export function formatLocal(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

const offsets = new Map<string, number>();
const QUARTER_HOUR = 900_000;

/**
 * The zone's offset from UTC at an instant, in minutes (Paris in winter: 60). Cached per zone and UTC
 * quarter-hour: offsets change only on a quarter-hour (Newfoundland's at :30 UTC, Nepal's at :15).
 */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const slot = Math.floor(instant.getTime() / QUARTER_HOUR);
  const key = `${timeZone}|${slot}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const at = new Date(slot * QUARTER_HOUR);
    const local = new Date(`${formatLocal(at, timeZone)}Z`);
    offset = Math.round((local.getTime() - at.getTime()) / 60_000);
    if (offsets.size > 200_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}
