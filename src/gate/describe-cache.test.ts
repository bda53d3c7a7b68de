import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lawFacts } from '../cli/commands/law-options.ts';
import { RegistryIndex } from '../registry/registry-index.ts';
import { blockDescribe } from './describe-cache.ts';

describe('numbering facts per block of 1,000', () => {
  it('are those of the numbering core, number by number, over the real ARCEP copy', () => {
    const core = lawFacts(
      { defaultDb: '', cwd: '.', interactive: false },
      new RegistryIndex(),
      false,
    ).describe;
    const cached = blockDescribe(core);
    const prefixes = [
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '162',
      '9475',
      '9478',
      '800',
      '899',
      '939',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...prefixes),
        fc.integer({ min: 0, max: 99_999_999 }),
        fc.integer({ min: 0, max: 999 }),
        (p, rest, low) => {
          const digits = `${p}${String(rest).padStart(9 - p.length, '0')}`.slice(0, 9);
          // Two numbers of the same block: the second answered from the first's facts.
          const a = `+33${digits.slice(0, 6)}${String(low).padStart(3, '0')}`;
          const b = `+33${digits}`;
          cached(a);
          expect(cached(b)).toEqual(core(b));
          expect(cached(a)).toEqual(core(a));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
