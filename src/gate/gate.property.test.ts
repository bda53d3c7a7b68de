import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeDescribe, makeCall } from '../law/_testing.ts';
import { auditCalls, checkCall, lawCall, type ProposedCall } from '../law/evaluate.ts';
import { DEFAULT_RULES } from '../law/rules.ts';
import type { CallRecord } from '../records/model.ts';
import type { Consent, RegistryData } from '../registry/model.ts';
import { EMPTY_REGISTRY } from '../registry/model.ts';
import { RegistryIndex } from '../registry/registry-index.ts';
import { DEFAULT_CONFIG } from '../reputation/model.ts';
import { GateEngine } from './engine.ts';
import { GateRegistry } from './registry.ts';

const CALLEES = ['+33612345678', '+33612345679', '+33140000000', '+262692123456', '+590690123456'];
const CALLERS = ['+33162000000', '+33612000000', '+33199000000'];
const CLIENTS = ['ACME', 'OTHER'];
const FROM = Date.UTC(2026, 5, 1);
const TO = Date.UTC(2026, 11, 31);
/** Instants: whole seconds mostly, and some with milliseconds (kept exactly apart from the columns). */
const instant = fc.oneof(
  fc.integer({ min: FROM / 1000, max: TO / 1000 }).map((s) => s * 1000),
  fc.integer({ min: FROM, max: TO }),
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const origin = fc.record({ file: fc.constantFrom('a.csv', 'b.csv'), line: fc.integer({ min: 2, max: 50 }) });

const consent = fc
  .record({
    o: origin,
    number: fc.constantFrom(...CALLEES),
    grantedAt: instant,
    client: fc.constantFrom(...CLIENTS),
    scope: fc.constantFrom('*', 'CAMP1', 'CAMP2', 'hors_horaires'),
    revokedAt: maybe(instant),
    slotFrom: maybe(instant),
  })
  .map(
    (c): Consent => ({
      ...c.o,
      number: c.number,
      grantedAt: c.grantedAt,
      client: c.client,
      scope: c.scope,
      source: null,
      proof: null,
      revokedAt: c.revokedAt,
      slotFrom: c.slotFrom,
      slotTo: c.slotFrom === null ? null : c.slotFrom + 3_600_000,
    }),
  );

const registry = fc.record({
  consents: fc.array(consent, { maxLength: 8 }),
  customers: fc.array(
    fc
      .record({
        o: origin,
        number: fc.constantFrom(...CALLEES),
        client: fc.constantFrom(...CLIENTS),
        start: instant,
        end: maybe(instant),
      })
      .map((c) => ({
        ...c.o,
        number: c.number,
        client: c.client,
        contractStart: c.start,
        contractEnd: c.end,
      })),
    { maxLength: 2 },
  ),
  refusals: fc.array(
    fc
      .record({
        o: origin,
        number: fc.constantFrom(...CALLEES),
        at: instant,
        client: maybe(fc.constantFrom(...CLIENTS)),
      })
      .map((r) => ({ ...r.o, number: r.number, refusedAt: r.at, client: r.client })),
    { maxLength: 3 },
  ),
  dnc: fc.array(
    fc
      .record({
        o: origin,
        number: fc.constantFrom(...CALLEES),
        at: maybe(instant),
        reason: maybe(fc.constantFrom('plainte', 'demande')),
      })
      .map((d) => ({ ...d.o, number: d.number, addedAt: d.at, reason: d.reason })),
    { maxLength: 2 },
  ),
  bloctel: fc.array(
    fc
      .record({
        o: origin,
        number: fc.constantFrom(...CALLEES),
        at: instant,
        client: maybe(fc.constantFrom(...CLIENTS)),
      })
      .map((b) => ({ ...b.o, number: b.number, consultedAt: b.at, client: b.client })),
    { maxLength: 3 },
  ),
  consultations: fc.array(
    fc
      .record({ o: origin, client: fc.constantFrom(...CLIENTS), at: instant })
      .map((c) => ({ ...c.o, client: c.client, consultedAt: c.at, numbersSubmitted: null })),
    { maxLength: 3 },
  ),
  contacts: fc.array(
    fc
      .record({
        o: origin,
        number: fc.constantFrom(...CALLEES),
        type: fc.constantFrom('consumer' as const, 'professional' as const),
        postcode: maybe(fc.constantFrom('67000', '75001', '97200', '97400')),
      })
      .map((c) => ({ ...c.o, number: c.number, type: c.type, postcode: c.postcode })),
    { maxLength: 3 },
  ),
});

const call = fc.record({
  at: instant,
  caller: fc.constantFrom(...CALLERS),
  callee: fc.constantFrom(...CALLEES),
  client: fc.constantFrom(...CLIENTS),
  campaign: maybe(fc.constantFrom('CAMP1', 'CAMP2')),
  provider: fc.constantFrom('p1', 'p2'),
  refused: fc.boolean(),
});

/** Prior calls near the proposed one: inside and around the 30-day window. */
const history = fc.array(call, { maxLength: 10 });

const UNCAPPED = { ...DEFAULT_CONFIG, defaults: { ...DEFAULT_CONFIG.defaults, dailyCap: 1e9 } };

describe('the gate decides as vigie check and vigie audit do', () => {
  it('same reasons, same verdict, over generated registries, histories and calls', () => {
    fc.assert(
      fc.property(registry, history, call, fc.integer({ min: 0, max: 60 }), (rows, past, next, spread) => {
        const data: RegistryData = { ...EMPTY_REGISTRY, ...rows };
        // Half the history lands in the weeks before the proposed call.
        const records: CallRecord[] = past.map((p, i) =>
          makeCall({
            at: new Date(i % 2 === 0 ? next.at - (i + 1) * spread * 3_600_000 : p.at).toISOString(),
            caller: p.caller,
            callee: i % 3 === 0 ? next.callee : p.callee,
            client: p.client,
            campaign: p.campaign,
            provider: p.provider,
            refused: p.refused,
          }),
        );
        const gateRegistry = GateRegistry.fromData(data);
        const engine = new GateEngine({
          registry: gateRegistry,
          facts: { describe: fakeDescribe, registry: gateRegistry },
          rules: DEFAULT_RULES,
          reputation: UNCAPPED,
        });
        for (const r of records) engine.addCall(lawCall(r));
        const proposed: ProposedCall = {
          caller: next.caller,
          callee: next.callee,
          at: new Date(next.at),
          client: next.client,
          campaign: next.campaign,
          purpose: 'prospecting',
          provider: next.provider,
        };
        const facts = { describe: fakeDescribe, registry: new RegistryIndex(data) };
        const checked = checkCall(proposed, records, facts, DEFAULT_RULES);
        const decided = engine.decide({ ...proposed, at: next.at, provider: next.provider });
        expect(decided.reasons).toEqual(checked.reasons);
        expect(decided.allowed).toBe(checked.allowed);

        // vigie audit of the same calls, the proposed one among them, finds the same violations for it.
        const asRecord = makeCall({
          at: proposed.at.toISOString(),
          caller: proposed.caller,
          callee: proposed.callee,
          client: proposed.client,
          campaign: proposed.campaign,
          provider: next.provider,
          callId: '\uffffcheck',
        });
        const audited = auditCalls([...records, asRecord], facts, DEFAULT_RULES)
          .filter((v) => v.callId === '\uffffcheck')
          .map((v) => ({ rule: v.rule, severity: v.severity, explanation: v.explanation }));
        expect(audited).toEqual(checked.reasons);
      }),
      { numRuns: 400 },
    );
  });

  it('a registry change applied to the gate decides as the changed registry does', () => {
    fc.assert(
      fc.property(registry, consent, call, fc.boolean(), (rows, added, next, revoke) => {
        const data: RegistryData = { ...EMPTY_REGISTRY, ...rows };
        const gateRegistry = GateRegistry.fromData(data);
        const engine = new GateEngine({
          registry: gateRegistry,
          facts: { describe: fakeDescribe, registry: gateRegistry },
          rules: DEFAULT_RULES,
          reputation: UNCAPPED,
        });
        const q = { ...next, purpose: 'prospecting' as const, provider: next.provider };
        engine.decide(q);
        let after: RegistryData;
        if (revoke) {
          const at = added.grantedAt;
          gateRegistry.apply({ type: 'revoke', number: added.number, client: added.client, scope: null, at });
          after = {
            ...data,
            consents: data.consents.map((c) =>
              c.number === added.number &&
              c.client === added.client &&
              c.grantedAt <= at &&
              (c.revokedAt === null || c.revokedAt > at)
                ? { ...c, revokedAt: at }
                : c,
            ),
          };
        } else {
          gateRegistry.apply({ type: 'add', kind: 'consents', rows: [added] });
          after = { ...data, consents: [...data.consents, added] };
        }
        const checked = checkCall(
          { ...q, at: new Date(q.at) },
          [],
          { describe: fakeDescribe, registry: new RegistryIndex(after) },
          DEFAULT_RULES,
        );
        expect(engine.decide(q).reasons).toEqual(checked.reasons);
      }),
      { numRuns: 300 },
    );
  });
});
