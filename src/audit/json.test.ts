import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Violation } from '../law/evaluate.ts';
import { violationJson } from './json.ts';

const text = fc.string({ unit: 'binary' });

describe('violationJson', () => {
  it('writes the bytes of JSON.stringify, escapes and lone surrogates included', () => {
    fc.assert(
      fc.property(
        fc.record({
          rule: text,
          callId: text,
          caller: text,
          callee: text,
          startedAt: text,
          localTime: text,
          timeZone: text,
          provider: text,
          client: fc.option(text),
          campaign: fc.option(text),
          severity: fc.constantFrom('violation', 'warning'),
          explanation: text,
        }),
        (v) => {
          const violation = v as Violation;
          expect(violationJson(violation)).toBe(JSON.stringify(violation));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
