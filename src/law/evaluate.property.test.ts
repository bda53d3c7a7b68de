import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../records/model.ts';
import type { Contact, RegistryData } from '../registry/model.ts';
import { makeCall, makeFacts, origin } from './_testing.ts';
import { auditCalls, evaluateCall, placeCallee } from './evaluate.ts';
import { holidayOn } from './holidays.ts';
import { DEFAULT_RULES } from './rules.ts';
import { DAY_MS, localTime } from './time.ts';

const CALLEES = [
  '+33612345678',
  '+33140000000',
  '+262692123456',
  '+262639123456',
  '+590690123456',
  '+594694123456',
  '+596696123456',
];
const NPV_CALLERS = ['+33162000000', '+33948123456', '+33947800000', '+33377000000'];
const START = Date.UTC(2023, 2, 1);
const END = Date.UTC(2027, 11, 31);

/** An instant inside the allowed windows of a working, non-holiday day of the callee's zone. */
function compliantInstant(callee: string, dayIndex: number, secondInWindow: number): number | undefined {
  const facts = makeFacts();
  const place = placeCallee(facts.describe(callee), undefined);
  const noonUtc = START + dayIndex * DAY_MS + 12 * 3_600_000;
  const local = localTime(noonUtc, place.timeZone);
  if (local.weekday > 5 || holidayOn(place.holidayZone, local.date) !== undefined) return undefined;
  const target =
    secondInWindow < 3 * 3600 ? 10 * 3600 + secondInWindow : 14 * 3600 + (secondInWindow - 3 * 3600);
  return noonUtc + (target - local.secondOfDay) * 1000;
}

const compliantCase = fc
  .record({
    callee: fc.constantFrom(...CALLEES),
    caller: fc.constantFrom(...NPV_CALLERS),
    day: fc.integer({ min: 0, max: Math.floor((END - START) / DAY_MS) }),
    second: fc.integer({ min: 0, max: 9 * 3600 - 1 }),
    consentAge: fc.integer({ min: 0, max: 360 }),
    consultationAge: fc.integer({ min: 0, max: 29 }),
    priorCount: fc.integer({ min: 0, max: 3 }),
    provider: fc.constantFrom('p1', 'p2'),
  })
  .map((c) => ({ ...c, at: compliantInstant(c.callee, c.day, c.second) }))
  .filter((c) => c.at !== undefined);

describe('law engine properties', () => {
  it('no violation for a call that meets every condition', () => {
    fc.assert(
      fc.property(compliantCase, (c) => {
        const at = c.at ?? 0;
        const call = makeCall({
          at: new Date(at).toISOString(),
          callee: c.callee,
          caller: c.caller,
          provider: c.provider,
        });
        const data: Partial<RegistryData> = {
          consents: [
            {
              ...origin(),
              number: c.callee,
              grantedAt: at - c.consentAge * DAY_MS - 1000,
              client: 'ACME',
              scope: '*',
              source: null,
              proof: null,
              revokedAt: null,
              slotFrom: null,
              slotTo: null,
            },
          ],
          consultations: [
            {
              ...origin(),
              client: 'ACME',
              consultedAt: at - c.consultationAge * DAY_MS,
              numbersSubmitted: null,
            },
          ],
        };
        const prior = Array.from({ length: c.priorCount }, (_, i) =>
          makeCall({ at: new Date(at - (i + 1) * 7 * DAY_MS).toISOString(), callee: c.callee }),
        );
        expect(evaluateCall(call, prior, makeFacts(data), DEFAULT_RULES)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  const callArb = fc.record({
    callee: fc.constantFrom(...CALLEES.slice(0, 3)),
    caller: fc.constantFrom('+33162000000', '+33612000000', 'anonymous', '+33140000000'),
    offset: fc.integer({ min: 0, max: 120 * 24 * 3600 }),
    provider: fc.constantFrom('p1', 'p2'),
    client: fc.constantFrom('ACME', 'BETA'),
    refused: fc.boolean(),
    id: fc.integer({ min: 0, max: 5 }),
  });
  type CallItem = typeof callArb extends fc.Arbitrary<infer T> ? T : never;
  const base = Date.UTC(2026, 5, 1);
  const toCalls = (items: readonly CallItem[]): CallRecord[] =>
    items.map((c, i) =>
      makeCall({
        at: new Date(base + c.offset * 1000).toISOString(),
        callee: c.callee,
        caller: c.caller,
        provider: c.provider,
        client: c.client,
        refused: c.refused,
        callId: `k${c.id}-${i}`,
      }),
    );

  it('results do not depend on the order of the calls', () => {
    const arb = fc.array(callArb, { maxLength: 25 }).chain((items) => {
      const calls = toCalls(items);
      return fc.tuple(
        fc.constant(calls),
        fc.shuffledSubarray(calls, { minLength: calls.length, maxLength: calls.length }),
      );
    });
    fc.assert(
      fc.property(arb, ([calls, shuffled]) => {
        const facts = makeFacts();
        expect(auditCalls(shuffled, facts, DEFAULT_RULES)).toEqual(auditCalls(calls, facts, DEFAULT_RULES));
      }),
      { numRuns: 200 },
    );
  });

  it('adding a constraint never removes a violation', () => {
    const constraint = fc.constantFrom(
      'refusal',
      'dnc',
      'bloctel',
      'prior',
      'no_contract',
      'consumer',
      'revoke',
    );
    fc.assert(
      fc.property(
        callArb,
        fc.array(callArb, { maxLength: 6 }),
        constraint,
        fc.boolean(),
        (item, history, kind, pro) => {
          const [call] = toCalls([item]);
          if (call === undefined) return;
          const prior = toCalls(history);
          const at = call.startedAt.getTime();
          const contact: Contact = {
            ...origin(),
            number: call.callee,
            type: pro ? 'professional' : 'consumer',
            postcode: '67000',
          };
          const data: RegistryData = {
            consents: [
              {
                ...origin(),
                number: call.callee,
                grantedAt: at - 10 * DAY_MS,
                client: 'ACME',
                scope: '*',
                source: null,
                proof: null,
                revokedAt: null,
                slotFrom: null,
                slotTo: null,
              },
            ],
            customers: [
              {
                ...origin(),
                number: call.callee,
                client: 'ACME',
                contractStart: at - 100 * DAY_MS,
                contractEnd: null,
              },
            ],
            refusals: [],
            dnc: [],
            bloctel: [],
            consultations: [
              { ...origin(), client: 'ACME', consultedAt: at - 5 * DAY_MS, numbersSubmitted: null },
            ],
            assignments: [],
            contacts: [contact],
            campaigns: [],
          };
          const stricter: RegistryData = {
            ...data,
            refusals:
              kind === 'refusal'
                ? [{ ...origin(), number: call.callee, refusedAt: at - DAY_MS, client: null }]
                : [],
            dnc: kind === 'dnc' ? [{ ...origin(), number: call.callee, addedAt: null, reason: null }] : [],
            bloctel:
              kind === 'bloctel'
                ? [{ ...origin(), number: call.callee, consultedAt: at - 5 * DAY_MS, client: null }]
                : [],
            customers: kind === 'no_contract' ? [] : data.customers,
            contacts: kind === 'consumer' ? [{ ...contact, type: 'consumer' }] : data.contacts,
            consents:
              kind === 'revoke'
                ? data.consents.map((c) => ({ ...c, revokedAt: at - DAY_MS }))
                : data.consents,
          };
          const extra =
            kind === 'prior'
              ? [makeCall({ at: new Date(at - 3_600_000).toISOString(), callee: call.callee })]
              : [];
          const before = new Set(
            evaluateCall(call, prior, makeFacts(data), DEFAULT_RULES).map((v) => v.rule),
          );
          const after = new Set(
            evaluateCall(call, [...prior, ...extra], makeFacts(stricter), DEFAULT_RULES).map((v) => v.rule),
          );
          for (const rule of before) expect(after.has(rule)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});
