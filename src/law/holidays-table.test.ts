import { describe, expect, it } from 'vitest';
import { libraryHolidaysOf } from './holidays-library.ts';
import {
  type HolidayZone,
  holidaysOf,
  holidayYearTabulated,
  registerHolidaySource,
  ZONE_NAMES,
} from './holidays.ts';
import { HOLIDAY_TABLE_YEARS } from './holidays-table.ts';

const zones = Object.keys(ZONE_NAMES) as HolidayZone[];
const years: number[] = [];
for (let y = HOLIDAY_TABLE_YEARS[0]; y <= HOLIDAY_TABLE_YEARS[1]; y++) years.push(y);

describe('generated holiday table (scripts/build-holidays.ts)', () => {
  it.each(zones)('%s: every year of the table equals date-holidays with the corrections', (zone) => {
    for (const year of years) {
      expect([...holidaysOf(zone, year).values()], `${zone} ${year}`).toEqual(libraryHolidaysOf(zone, year));
    }
  });

  it('covers 2000–2100 and asks the registered library for the other years', () => {
    expect(holidayYearTabulated(2000) && holidayYearTabulated(2100)).toBe(true);
    expect(holidayYearTabulated(1999) || holidayYearTabulated(2101)).toBe(false);
    expect(() => holidaysOf('metropole', 1999)).toThrow(RangeError);
    registerHolidaySource(libraryHolidaysOf);
    for (const year of [1999, 2101]) {
      expect([...holidaysOf('alsace_moselle', year).values()]).toEqual(
        libraryHolidaysOf('alsace_moselle', year),
      );
    }
  });
});
