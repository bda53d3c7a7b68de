import { describe, expect, it } from 'vitest';
import { intlOffsetAt, localTime } from './time.ts';
import { ZONE_TABLE, ZONE_TABLE_RANGE } from './zone-table.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('generated zone table (scripts/build-zones.ts)', () => {
  it.each(Object.keys(ZONE_TABLE))(
    '%s: equals Intl around every change and every 3 days of 2000–2100',
    (zone) => {
      const pairs = ZONE_TABLE[zone] ?? [];
      const instants: number[] = [];
      for (let i = 2; i < pairs.length; i += 2) {
        const change = (pairs[i] ?? 0) * 60_000;
        for (const delta of [-HOUR, -1000, 0, 1000, HOUR]) instants.push(change + delta);
      }
      for (let t = ZONE_TABLE_RANGE[0]; t < ZONE_TABLE_RANGE[1]; t += 3 * DAY + 7 * HOUR) instants.push(t);
      for (const t of instants) {
        expect(localTime(t, zone).offsetMinutes, `${zone} ${new Date(t).toISOString()}`).toBe(
          intlOffsetAt(t, zone),
        );
      }
    },
  );

  it('falls back to Intl outside the table', () => {
    const before = ZONE_TABLE_RANGE[0] - 200 * DAY;
    expect(localTime(before, 'Europe/Paris').offsetMinutes).toBe(intlOffsetAt(before, 'Europe/Paris'));
    expect(localTime(Date.UTC(2026, 6, 1), 'Asia/Tokyo').offsetMinutes).toBe(540);
  });
});
