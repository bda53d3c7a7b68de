import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mappedFormat, readColumnMap } from '../../src/records/column-map.ts';

const FIELDS = ['started_at', 'caller', 'callee', 'outcome'] as const;
// Already-normalised names (lower case, no spaces): the map stores header names normalised as headers are.
const columnName = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/);

describe('column map', () => {
  it('keeps every mapping given, and the mapped format fits exactly the headers holding its columns', () => {
    fc.assert(
      fc.property(fc.uniqueArray(columnName, { minLength: 4, maxLength: 4 }), fc.nat(3), (names, drop) => {
        const columns = Object.fromEntries(FIELDS.map((f, i) => [f, names[i] as string]));
        const result = readColumnMap({ columns }, 'map.json');
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.map.columns).toEqual(columns);
        const format = mappedFormat(result.map);
        expect(format.check?.(['extra', ...names])).toBeUndefined();
        const missing = names[drop] as string;
        const problem = format.check?.(names.filter((n) => n !== missing));
        expect(problem).toContain(`"${missing}" (map.json: columns.${FIELDS[drop]})`);
      }),
    );
  });

  it('names the key of a bad outcome', () => {
    const result = readColumnMap(
      { columns: { started_at: 'd', caller: 'a', callee: 'b', outcome: 's' }, outcomes: { NRP: 'nope' } },
      'map.json',
    );
    expect(result).toMatchObject({ ok: false, key: 'outcomes.NRP' });
  });
});
