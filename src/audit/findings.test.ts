import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Violation } from '../law/evaluate.ts';
import { compareViolations } from '../law/evaluate.ts';
import { RULE_IDS } from '../law/rules.ts';
import { Findings, TABLE_FIELDS } from './findings.ts';

const violation = fc.record({
  rule: fc.constantFrom(...RULE_IDS),
  callId: fc.string({ maxLength: 12 }),
  caller: fc.constantFrom<string>('+33162000000', '+33612345678'),
  callee: fc.constantFrom<string>('+33600000001', '+262262000000'),
  ms: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 0, 3) }),
  provider: fc.constantFrom<string>('prov0', 'prov1', 'Prövider'),
  client: fc.option(fc.constantFrom<string>('client0', 'client1')),
  campaign: fc.option(fc.string({ maxLength: 6 })),
  explanation: fc.string({ maxLength: 80, unit: 'binary' }),
});

type Sample = typeof violation extends fc.Arbitrary<infer T> ? T : never;

function build(samples: readonly Sample[]) {
  const findings = new Findings();
  const violations: Violation[] = [];
  for (const s of samples) {
    const v: Violation = {
      rule: s.rule,
      callId: s.callId,
      caller: s.caller,
      callee: s.callee,
      startedAt: new Date(s.ms).toISOString(),
      localTime: new Date(s.ms).toISOString(),
      timeZone: 'Europe/Paris',
      provider: s.provider,
      client: s.client,
      campaign: s.campaign,
      severity: 'violation',
      explanation: s.explanation,
    };
    findings.add(v, v.callId, s.ms);
    violations.push(v);
  }
  return { findings, violations };
}

describe('Findings', () => {
  it('prints the same JSON array as text and as bytes, in violation order', () => {
    fc.assert(
      fc.property(fc.array(violation, { maxLength: 60 }), (samples) => {
        const { findings, violations } = build(samples);
        const order = findings.order();
        const text: string[] = [];
        findings.printJson(order, { text: (t) => text.push(t) });
        const pieces: Buffer[] = [];
        findings.printJson(order, {
          text: () => expect.unreachable(),
          bytes: (b) => pieces.push(Buffer.from(b)),
        });
        const printed = Buffer.concat(pieces).toString('utf8');
        expect(printed).toBe(`${text.join('\n')}\n`);
        const expected = [...violations].sort(compareViolations);
        expect(JSON.parse(printed)).toEqual(expected);
        // One finding a line, as documented.
        expect(printed.split('\n').length).toBe(Math.max(1, expected.length) + 1);
      }),
    );
  });

  it('splits millions of bytes into pieces that each end a line', () => {
    const long = 'x'.repeat(5000);
    const samples = Array.from({ length: 600 }, (_, i) => ({
      rule: RULE_IDS[i % RULE_IDS.length] ?? 'hours.window',
      callId: `c${i}`,
      caller: '+33162000000',
      callee: '+33600000001',
      ms: Date.UTC(2026, 0, 1) + i * 1000,
      provider: 'prov0',
      client: 'client0',
      campaign: null,
      explanation: `${long} é ${i}`,
    }));
    const { findings } = build(samples);
    const pieces: Buffer[] = [];
    findings.printJson(findings.order(), {
      text: () => expect.unreachable(),
      bytes: (b) => pieces.push(Buffer.from(b)),
    });
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece[piece.length - 1]).toBe(0x0a);
    const parsed = JSON.parse(Buffer.concat(pieces).toString('utf8')) as { callId: string }[];
    expect(parsed.map((v) => v.callId)).toEqual(samples.map((s) => s.callId));
  });
});

describe('Findings.summary', () => {
  it('holds the longest value of each table field and the findings per rule, severity and provider', () => {
    fc.assert(
      fc.property(fc.array(violation, { maxLength: 40 }), (samples) => {
        const { findings, violations } = build(samples);
        const longest = TABLE_FIELDS.map((field) =>
          violations.reduce((n, v) => Math.max(n, (v[field] ?? '').length), 0),
        );
        expect(findings.summary.longest).toEqual(longest);
        for (const rule of RULE_IDS) {
          const n = violations.filter((v) => v.rule === rule).length;
          expect(findings.summary.byRule.get(rule)?.violation ?? 0).toBe(n);
        }
        const providers = new Set(violations.map((v) => v.provider));
        for (const provider of providers) {
          const n = violations.filter((v) => v.provider === provider).length;
          expect(findings.summary.byProvider.get(provider)).toBe(n);
        }
        expect(findings.summary.byProvider.size).toBe(providers.size);
      }),
    );
  });
});

describe('Findings.merge', () => {
  it('merges the parts of several findings (as workers post them) into the same findings', () => {
    fc.assert(
      fc.property(fc.array(violation, { maxLength: 40 }), fc.nat(40), (samples, cut) => {
        const whole = build(samples).findings;
        const halves = [build(samples.slice(0, cut)).findings, build(samples.slice(cut)).findings];
        // Through a structured clone with transfer, as postMessage does.
        const parts = halves.map((h) => {
          const { parts, transfer } = h.parts();
          return structuredClone(parts, { transfer });
        });
        const { findings: merged, order } = Findings.merge(parts);
        expect(merged.length).toBe(samples.length);
        // The parts' orders merged are the order of the merged findings.
        expect([...order]).toEqual([...merged.order()]);
        const print = (f: Findings) => {
          const pieces: Buffer[] = [];
          f.printJson(f.order(), {
            text: () => expect.unreachable(),
            bytes: (b) => pieces.push(Buffer.from(b)),
          });
          return Buffer.concat(pieces).toString('utf8');
        };
        expect(print(merged)).toBe(print(whole));
        expect(merged.summary).toEqual(whole.summary);
      }),
    );
  });
});
