import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import {
  type CallerIdCategory,
  callerIdCategory,
  describeNumber,
  formatFrench,
  isTelemarketingRange,
  lineTypeOf,
  nationalDigits,
  TELEMARKETING_PREFIXES,
  TIME_ZONES,
  territoryOfArcepLabel,
} from './describe.ts';
import type { LineType, Territory } from './model.ts';
import { normalisePhone } from './phone.ts';
import { readArcepIndexFile, SHIPPED_ARCEP_PATH } from './store.ts';

const arcep = readArcepIndexFile(SHIPPED_ARCEP_PATH);

describe('territory and time zone', () => {
  it.each<[string, Territory, string, LineType, boolean]>([
    ['+33162000000', 'metropole', 'Europe/Paris', 'geographic', true],
    ['+33612345678', 'metropole', 'Europe/Paris', 'mobile', false],
    ['+33970000000', 'metropole', 'Europe/Paris', 'non_geographic_09', false],
    ['+590590101234', 'guadeloupe', 'America/Guadeloupe', 'geographic', false],
    ['+590690221234', 'guadeloupe', 'America/Guadeloupe', 'mobile', false],
    ['+590590871234', 'saint_martin', 'America/Guadeloupe', 'geographic', true],
    ['+590590271234', 'saint_barthelemy', 'America/Guadeloupe', 'geographic', true],
    ['+594594001234', 'guyane', 'America/Cayenne', 'geographic', true],
    ['+594694201234', 'guyane', 'America/Cayenne', 'mobile', true],
    ['+596596001234', 'martinique', 'America/Martinique', 'geographic', true],
    ['+596696201234', 'martinique', 'America/Martinique', 'mobile', true],
    ['+262262011234', 'reunion', 'Indian/Reunion', 'geographic', true],
    ['+262947900123', 'reunion', 'Indian/Reunion', 'non_geographic_09', false],
    ['+262692201234', 'reunion', 'Indian/Reunion', 'mobile', true],
    ['+262693201234', 'reunion', 'Indian/Reunion', 'mobile', true],
    ['+262269601234', 'mayotte', 'Indian/Mayotte', 'geographic', true],
    ['+262639001234', 'mayotte', 'Indian/Mayotte', 'mobile', true],
    ['+508411234', 'saint_pierre_et_miquelon', 'America/Miquelon', 'geographic', true],
    ['+508708561234', 'saint_pierre_et_miquelon', 'America/Miquelon', 'mobile', true],
    ['+442079460000', 'foreign', 'Europe/Paris', 'foreign', false],
    ['+269773001234', 'foreign', 'Europe/Paris', 'foreign', false],
  ])('%s is in %s (%s), %s', (number, territory, zone, lineType, certain) => {
    const info = describeNumber(number, arcep);
    expect(info.territory).toBe(territory);
    expect(info.timeZone).toBe(zone);
    expect(info.lineType).toBe(lineType);
    expect(info.territoryCertain).toBe(certain);
    if (territory === 'foreign') expect(info.possibleTerritories).toEqual([]);
    else expect(info.possibleTerritories).toContain(territory);
  });

  it('trusts MAJNUM over the calling code: an overseas 09 NPV dialled as +33 is overseas', () => {
    const info = describeNumber('+33947600123', arcep);
    expect(info.territory).toBe('guyane');
    expect(info.timeZone).toBe('America/Cayenne');
    expect(info.attribution?.territory).toBe('Guyane');
  });

  it('falls back on the prefix for an unattributed overseas number', () => {
    const info = describeNumber('+262262001234', arcep);
    expect(info.attribution).toBeNull();
    expect(info.attributionChecked).toBe(true);
    expect(info.territory).toBe('reunion');
    expect(describeNumber('+262269601234').territory).toBe('mayotte');
  });

  it('lists the Guadeloupe group for shared +590 prefixes', () => {
    expect(describeNumber('+590690221234', arcep).possibleTerritories).toEqual([
      'guadeloupe',
      'saint_martin',
      'saint_barthelemy',
    ]);
  });

  it.each([
    ['Métropole', 'metropole'],
    ['Guadeloupe, St Martin et St Barthélemy', 'guadeloupe'],
    ['La Réunion - Océan indien', 'reunion'],
    ['La Réunion', 'reunion'],
    ['Mayotte', 'mayotte'],
    ['Guyane', 'guyane'],
    ['Martinique', 'martinique'],
    ['Saint Pierre et Miquelon', 'saint_pierre_et_miquelon'],
    ['National', undefined],
  ])("maps MAJNUM's territory %s", (label, territory) => {
    expect(territoryOfArcepLabel(label)?.territory).toBe(territory);
  });

  it('maps every MAJNUM territory of the shipped copy', () => {
    for (const label of arcep.territoryLabels) {
      if (label !== 'National') expect(territoryOfArcepLabel(label), label).not.toBeNull();
    }
  });
});

describe('line type, region and tariff class', () => {
  it.each<[string, LineType, string | null]>([
    ['0162000000', 'geographic', 'Île-de-France'],
    ['0231000000', 'geographic', 'Nord-Ouest'],
    ['0388000000', 'geographic', 'Nord-Est'],
    ['0491000000', 'geographic', 'Sud-Est'],
    ['0556000000', 'geographic', 'Sud-Ouest'],
    ['0612345678', 'mobile', null],
    ['0756000000', 'mobile', null],
    ['0970000000', 'non_geographic_09', null],
    ['0800123456', 'special_free', null],
    ['0805123456', 'special_free', null],
    ['0806123456', 'special_normal', null],
    ['0809123456', 'special_normal', null],
    ['0810123456', 'special_premium', null],
    ['0825123456', 'special_premium', null],
    ['0899123456', 'special_premium', null],
    ['0860123456', 'special_premium', null],
  ])('%s is %s', (national, lineType, region) => {
    const info = describeNumber(`+33${national.slice(1)}`, arcep);
    expect(lineTypeOf(national)).toBe(lineType);
    expect(info.lineType).toBe(lineType);
    expect(info.region).toBe(region);
  });

  it.each(['3010', '3620', '118712', '1010', '15', '112'])('%s is a short number', (number) => {
    expect(describeNumber(number, arcep).lineType).toBe('short');
  });

  it('describes hidden numbers', () => {
    const info = describeNumber('anonymous', arcep);
    expect(info.lineType).toBe('hidden');
    expect(info.territoryCertain).toBe(false);
    expect(describeNumber('Masqué').lineType).toBe('hidden');
  });

  it('accepts non-E.164 writings through normalisePhone', () => {
    expect(describeNumber('01 62 00 00 00', arcep).e164).toBe('+33162000000');
    expect(describeNumber('0269 60 12 34', arcep).territory).toBe('mayotte');
    expect(describeNumber('garbage', arcep).lineType).toBe('unknown');
  });

  it('writes numbers the French way', () => {
    expect(formatFrench('0162000000')).toBe('01 62 00 00 00');
    expect(formatFrench('0508411234')).toBe('05 08 41 12 34');
    expect(formatFrench('3010')).toBe('3010');
    // An odd count of digits keeps its last three together; too short to pair, as is.
    expect(formatFrench('050841123')).toBe('05 08 41 123');
    expect(formatFrench('01234567890')).toBe('01 23 45 67 890');
    expect(formatFrench('061')).toBe('061');
    expect(describeNumber('+442079460000').national).toBe('+44 20 7946 0000');
  });

  it('derives national digits for every French calling code', () => {
    expect(nationalDigits('+33162000000')).toBe('0162000000');
    expect(nationalDigits('+262269601234')).toBe('0269601234');
    expect(nationalDigits('+508411234')).toBe('0508411234');
    expect(nationalDigits('+508708561234')).toBe('0708561234');
    expect(nationalDigits('+442079460000')).toBeNull();
    expect(nationalDigits('anonymous')).toBeNull();
  });
});

describe('telemarketing (NPV) ranges', () => {
  it.each(TELEMARKETING_PREFIXES)('%s is a telemarketing range', (prefix) => {
    const number = `${prefix}${'0'.repeat(10 - prefix.length)}`;
    expect(isTelemarketingRange(number)).toBe(true);
    expect(describeNumber(`+33${number.slice(1)}`).telemarketingRange).toBe(true);
  });

  it.each(['0161000000', '0164000000', '0947400000', '0947000000', '0950000000', '0612345678', '0800000000'])(
    '%s is not',
    (number) => {
      expect(isTelemarketingRange(number)).toBe(false);
    },
  );

  it('recognises the overseas NPV in its own calling code', () => {
    expect(describeNumber('+590947500123', arcep).telemarketingRange).toBe(true);
    expect(describeNumber('+262947900123', arcep).telemarketingRange).toBe(true);
  });
});

describe('caller-ID categories', () => {
  it.each<[string, CallerIdCategory]>([
    ['+33162000000', 'npv'],
    ['+33948000000', 'npv'],
    ['+590947500123', 'npv'],
    ['+33145000000', 'geographic_outside_npv'],
    ['+590590101234', 'geographic_outside_npv'],
    ['+33970000000', 'non_geographic_09_outside_npv'],
    ['+33612345678', 'mobile'],
    ['+590690221234', 'mobile'],
    ['+262639001234', 'mobile'],
    ['+33899123456', 'premium_089'],
    ['+33825123456', 'special'],
    ['+33800123456', 'special'],
    ['+33806123456', 'special'],
    ['+33860123456', 'special'],
    ['3010', 'short_allowed_30_31'],
    ['3101', 'short_allowed_30_31'],
    ['3620', 'short_forbidden'],
    ['3900', 'short_forbidden'],
    ['118712', 'directory_118'],
    ['1010', 'short_other'],
    ['anonymous', 'hidden'],
    ['+442079460000', 'foreign'],
    ['+3312', 'unknown'],
  ])('%s is %s', (number, category) => {
    expect(callerIdCategory(describeNumber(number, arcep))).toBe(category);
  });

  it('tells an unattributed block apart from an attributed one in the same NPV range', () => {
    const attributed = describeNumber('+33162000000', arcep);
    const unattributed = describeNumber('+33162990000', arcep);
    expect(callerIdCategory(unattributed)).toBe('npv');
    expect(attributed.attribution?.operatorCode).toBe('LGC');
    expect(unattributed.attribution).toBeNull();
    expect(unattributed.attributionChecked).toBe(true);
    expect(describeNumber('+33162990000').attributionChecked).toBe(false);
  });
});

describe('properties', () => {
  const LINE_TYPES = new Set<LineType>([
    'geographic',
    'mobile',
    'non_geographic_09',
    'special_free',
    'special_normal',
    'special_premium',
    'short',
    'hidden',
    'foreign',
    'unknown',
  ]);
  const frenchNumber = fc
    .tuple(
      fc.constantFrom('33', '262', '590', '594', '596'),
      fc.integer({ min: 100_000_000, max: 999_999_999 }),
    )
    .map(([code, subscriber]) => `+${code}${subscriber}`)
    .filter((e164) => parsePhoneNumberFromString(e164)?.isValid() === true);

  it('describeNumber is total over valid French E.164 numbers', () => {
    fc.assert(
      fc.property(frenchNumber, (e164) => {
        const info = describeNumber(e164, arcep);
        expect(info.e164).toBe(e164);
        expect(info.territory).not.toBe('foreign');
        expect(LINE_TYPES.has(info.lineType)).toBe(true);
        expect(info.lineType).not.toBe('unknown');
        expect(info.timeZone).toBe(TIME_ZONES[info.territory]);
        expect(() => new Intl.DateTimeFormat('fr-FR', { timeZone: info.timeZone })).not.toThrow();
        expect(info.possibleTerritories).toContain(info.territory);
        expect(info.telemarketingRange).toBe(isTelemarketingRange(e164));
        expect(info.region === null).toBe(
          !(info.lineType === 'geographic' && info.territory === 'metropole'),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('the French display of a metropolitan number normalises back to it', () => {
    // A +33 number under an overseas prefix (+33 596…, +33 268 9…) shares its national writing with the
    // overseas number (0596… is Martinique's), which that writing means: those cannot round-trip.
    const metropolitan = frenchNumber.filter(
      (e164) => e164.startsWith('+33') && !/^\+33(?:26|59|63|69)/.test(e164),
    );
    fc.assert(
      fc.property(metropolitan, (e164) => {
        const display = describeNumber(e164).national;
        expect(display).toMatch(/^0\d( \d{2}){4}$/);
        const again = normalisePhone(display);
        expect(again.ok && again.value).toBe(e164);
      }),
      { numRuns: 300 },
    );
  });

  it('describeNumber never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const info = describeNumber(text, arcep);
        expect(LINE_TYPES.has(info.lineType)).toBe(true);
        expect(typeof callerIdCategory(info)).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it('a number in a telemarketing range is never categorised as outside it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TELEMARKETING_PREFIXES),
        fc.integer({ min: 0, max: 99_999 }),
        (prefix, tail) => {
          const national = `${prefix}${String(tail)
            .padStart(10 - prefix.length, '0')
            .slice(-(10 - prefix.length))}`;
          expect(callerIdCategory(describeNumber(`+33${national.slice(1)}`, arcep))).toBe('npv');
        },
      ),
    );
  });
});
