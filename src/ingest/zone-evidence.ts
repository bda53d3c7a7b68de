/**
 * The offset of an Asterisk server's clock, read from its own rows: a `uniqueid` is `<epoch>.<n>` (the
 * channel's creation, in UTC seconds, optionally after a system name), and `start` is the same instant
 * written in the server's local time. Pure: no I/O, no clock.
 */

/** Minutes east of UTC of the naive `start` times, when the rows agree on one; else undefined. */
export function offsetFromUniqueIds(
  rows: readonly { start: string; uniqueid: string }[],
): number | undefined {
  const offsets: number[] = [];
  for (const { start, uniqueid } of rows) {
    const epoch = /(?:^|-)(\d{9,10})\.\d+$/.exec(uniqueid.trim())?.[1];
    const naive = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(start.trim());
    if (epoch === undefined || naive === null) continue;
    const [, y, mo, d, h, mi, s] = naive.map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const asUtc = Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
    const minutes = (asUtc - Number(epoch)) / 60;
    // A leg starts when its channel is created, within seconds; zones are whole quarters of an hour.
    const quarter = Math.round(minutes / 15) * 15;
    // Real zones lie within UTC-12 and UTC+14; anything further is a wrong clock or a copied uniqueid.
    if (Math.abs(minutes - quarter) <= 2 && quarter >= -720 && quarter <= 840) offsets.push(quarter);
  }
  if (offsets.length === 0) return undefined;
  const first = offsets[0] as number;
  // Never guess: rows that disagree (a DST change inside the sample, a clock set by hand) say nothing.
  return offsets.every((o) => o === first) ? first : undefined;
}

/** Minutes east of UTC of `zone` at `instant`, from Intl's time-zone data. */
export function zoneOffsetMinutes(zone: string, instant: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((local - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** An IANA zone of a fixed offset: `UTC`, or `Etc/GMT-2` for UTC+2 (the Etc names invert the sign). */
export function fixedZone(offsetMinutes: number): string | undefined {
  if (offsetMinutes === 0) return 'UTC';
  if (offsetMinutes % 60 !== 0) return undefined;
  const hours = offsetMinutes / 60;
  return `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
}
