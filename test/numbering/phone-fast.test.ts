import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { FRENCH_TERRITORIES, normalisePhone } from '../../src/numbering/phone.ts';

/**
 * normalisePhone through libphonenumber-js alone: every digit writing through the library. Overseas
 * fixed/mobile patterns are tried first only under the overseas prefixes (0806–0809 are France's). A
 * national writing counts only as written, with its `0` (the library also accepts the bare number).
 */
function throughLibrary(compact: string): string | null {
  const international = compact.startsWith('+')
    ? compact
    : compact.startsWith('00')
      ? `+${compact.slice(2)}`
      : /^(?:33|262|590|594|596)\d{9}$/.test(compact)
        ? `+${compact}`
        : undefined;
  if (international !== undefined) {
    const parsed = parsePhoneNumberFromString(international);
    return parsed?.isValid() ? parsed.number : null;
  }
  for (const territory of /^0(?:26|59|63|69)/.test(compact)
    ? FRENCH_TERRITORIES.filter((t) => t !== 'FR')
    : []) {
    const parsed = parsePhoneNumberFromString(compact, territory);
    const type = parsed?.isValid() && asWritten(parsed.formatNational()) ? parsed.getType() : undefined;
    if (parsed && (type === 'FIXED_LINE' || type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE')) {
      return parsed.number;
    }
  }
  for (const territory of FRENCH_TERRITORIES) {
    const parsed = parsePhoneNumberFromString(compact, territory);
    if (parsed?.isValid() && asWritten(parsed.formatNational())) return parsed.number;
  }
  return null;

  function asWritten(national: string): boolean {
    return national.replace(/\D/g, '') === compact;
  }
}

const digitWritings = fc
  .tuple(
    fc.constantFrom('+33', '0', '00', '+262', '+590', '33'),
    fc.stringMatching(/^\d{0,3}$/),
    fc.stringMatching(/^\d{6,10}$/),
  )
  .map(([prefix, head, tail]) => `${prefix}${head}${tail}`);

describe('normalisePhone without loading libphonenumber-js for clean French numbers', () => {
  it('answers as the library did for every digit writing', () => {
    fc.assert(
      fc.property(digitWritings, (compact) => {
        const result = normalisePhone(compact);
        expect({ compact, value: result.ok ? result.value : null }).toEqual({
          compact,
          value: throughLibrary(compact),
        });
      }),
      { numRuns: 20_000, seed: 7 },
    );
  });

  it.each([
    '+33162000000',
    '+33612345678',
    '+33899123456',
    '0612345678',
    '0262123456',
    '0596701234',
    '0269612345',
    '0033162000000',
    '+33012345678',
    '+3316200000',
  ])('%s', (compact) => {
    const result = normalisePhone(compact);
    expect(result.ok ? result.value : null).toBe(throughLibrary(compact));
  });
});
