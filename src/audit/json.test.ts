import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Violation } from '../law/evaluate.ts';
import { RULE_IDS } from '../law/rules.ts';
import { isoLocal, localTime } from '../law/time.ts';
import { TIME_ZONES } from '../numbering/describe.ts';
import { quote, violationJson } from './json.ts';

const text = fc.string({ unit: 'binary' });
const zones = [...new Set(Object.values(TIME_ZONES))];
/** Instants from 1970 to 2100, milliseconds included. */
const instant = fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) });

describe('violationJson', () => {
  it('writes the bytes of JSON.stringify, escapes and lone surrogates included', () => {
    fc.assert(
      fc.property(
        fc.record({
          rule: fc.constantFrom(...RULE_IDS),
          callId: text,
          caller: text,
          callee: text,
          at: instant,
          timeZone: fc.constantFrom(...zones),
          provider: text,
          client: fc.option(text),
          campaign: fc.option(text),
          severity: fc.constantFrom('violation', 'warning'),
          explanation: text,
        }),
        ({ at, ...v }) => {
          // The fields Vigie writes itself, made as the law engine makes them.
          const violation: Violation = {
            rule: v.rule,
            callId: v.callId,
            caller: v.caller,
            callee: v.callee,
            startedAt: new Date(at).toISOString(),
            localTime: isoLocal(localTime(at, v.timeZone)),
            timeZone: v.timeZone,
            provider: v.provider,
            client: v.client,
            campaign: v.campaign,
            severity: v.severity,
            explanation: v.explanation,
          };
          expect(violationJson(violation)).toBe(JSON.stringify(violation));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('needs no escape for the fields Vigie writes itself: rule ids, zones, ISO times', () => {
    for (const value of [...RULE_IDS, ...zones, 'violation', 'warning'])
      expect(quote(value)).toBe(`"${value}"`);
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (at, zone) => {
        for (const value of [new Date(at).toISOString(), isoLocal(localTime(at, zone))])
          expect(JSON.stringify(value)).toBe(`"${value}"`);
      }),
    );
  });
});
