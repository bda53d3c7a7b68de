import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Findings } from '../audit/findings.ts';
import { compareViolations, type Violation } from '../law/evaluate.ts';
import { RULE_IDS } from '../law/rules.ts';
import { CSV_COLUMNS, CSV_FINDINGS } from './findings-csv.ts';
import { renderCsv } from './format.ts';

/** Cells that CSV must quote or neutralise: separators, quotes, newlines, formulas. */
const cell = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('a,b', 'say "hi"', 'two\nlines', '=SUM(A1)', '+33612345678', '-1', 'x;y', '@home'),
);

const violation = fc.record({
  rule: fc.constantFrom(...RULE_IDS),
  callId: cell,
  caller: cell,
  callee: cell,
  ms: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 0, 2) }),
  provider: cell,
  client: fc.option(cell),
  campaign: fc.option(cell),
  explanation: cell,
});

function print(findings: Findings, mode: 'text' | 'bytes'): string {
  const order = findings.order();
  if (mode === 'text') {
    const pieces: string[] = [];
    findings.print(order, { text: (t) => pieces.push(t) });
    return pieces.map((p) => `${p}\n`).join('');
  }
  const pieces: Buffer[] = [];
  findings.print(order, { text: () => expect.unreachable(), bytes: (b) => pieces.push(Buffer.from(b)) });
  return Buffer.concat(pieces).toString('utf8');
}

describe('CSV_FINDINGS', () => {
  it('prints what renderCsv prints of the same violations in the same order, as text and as bytes', () => {
    fc.assert(
      fc.property(fc.array(violation, { maxLength: 30 }), (samples) => {
        const findings = new Findings(CSV_FINDINGS);
        const violations: Violation[] = [];
        for (const { ms, ...s } of samples) {
          const v: Violation = {
            ...s,
            startedAt: new Date(ms).toISOString(),
            localTime: new Date(ms).toISOString(),
            timeZone: 'Europe/Paris',
            severity: 'violation',
          };
          findings.add(v, v.callId, ms);
          violations.push(v);
        }
        violations.sort(compareViolations);
        const expected = `${renderCsv(
          CSV_COLUMNS,
          violations.map((v) => CSV_COLUMNS.map((c) => v[c])),
        )}\n`;
        expect(print(findings, 'bytes')).toBe(expected);
        expect(print(findings, 'text')).toBe(expected);
      }),
    );
  });

  it('keeps rows that cannot be read back as violations', () => {
    const findings = new Findings(CSV_FINDINGS);
    expect(print(findings, 'bytes')).toBe(`${CSV_COLUMNS.join(',')}\n`);
    expect(() => findings.json(0)).toThrow(/csv/);
  });
});
