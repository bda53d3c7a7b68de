import type { CallSignal, Outcome } from './model.ts';

/**
 * The evidence rules of records.md §3, as data: SIP and Q.850 codes decide first, in this order, and
 * the first matching rule wins. The same table drives the TypeScript mapping and the SQL used at
 * ingest, so that the two cannot drift apart.
 */
interface EvidenceRule {
  readonly outcome: Outcome;
  readonly signal?: CallSignal;
  readonly sip?: readonly number[];
  readonly sipClass?: 5;
  /** Q.850 causes that decide only when the row has no SIP code. */
  readonly q850WithoutSip?: readonly number[];
  readonly q850?: readonly number[];
}

export const EVIDENCE_RULES: readonly EvidenceRule[] = [
  { outcome: 'blocked', sip: [607, 608] },
  { outcome: 'rejected', sip: [603], q850WithoutSip: [21] },
  { outcome: 'rejected', signal: 'identity_failed', sip: [403, 428, 436, 437, 438] },
  { outcome: 'invalid_number', sip: [404, 484, 604], q850: [1, 3, 22, 28] },
  { outcome: 'busy', sip: [486, 600], q850: [17] },
  { outcome: 'no_answer', sip: [408, 480], q850: [18, 19, 20] },
  { outcome: 'canceled', sip: [487] },
  { outcome: 'failed', sipClass: 5, q850: [34, 38, 41, 42, 102, 127] },
];

/** How each source's own status words map to an outcome, after the SIP/Q.850 evidence. */
export type StatusMap = ReadonlyMap<string, Outcome>;

export interface OutcomeEvidence {
  readonly sipCode: number | null;
  readonly q850Cause: number | null;
  /** The source's status, upper-cased, after the format's own adjustments. */
  readonly status: string | null;
}

export interface MappedOutcome {
  readonly outcome: Outcome;
  readonly signal: CallSignal | null;
}

function matches(rule: EvidenceRule, sip: number | null, q850: number | null): boolean {
  if (sip !== null && rule.sip?.includes(sip)) return true;
  if (sip !== null && rule.sipClass === 5 && sip >= 500 && sip <= 599) return true;
  if (sip === null && q850 !== null && rule.q850WithoutSip?.includes(q850)) return true;
  return q850 !== null && (rule.q850?.includes(q850) ?? false);
}

/** Maps a call's evidence to its canonical outcome, or undefined when nothing says what happened. */
export function mapOutcome(evidence: OutcomeEvidence, statuses: StatusMap): MappedOutcome | undefined {
  for (const rule of EVIDENCE_RULES) {
    if (matches(rule, evidence.sipCode, evidence.q850Cause)) {
      return { outcome: rule.outcome, signal: rule.signal ?? null };
    }
  }
  const outcome = evidence.status === null ? undefined : statuses.get(evidence.status);
  return outcome === undefined ? undefined : { outcome, signal: null };
}

const list = (codes: readonly number[]) => codes.join(', ');

function ruleSql(rule: EvidenceRule, sip: string, q850: string): string {
  const arms: string[] = [];
  if (rule.sip) arms.push(`${sip} IN (${list(rule.sip)})`);
  if (rule.sipClass === 5) arms.push(`${sip} BETWEEN 500 AND 599`);
  if (rule.q850WithoutSip) arms.push(`(${sip} IS NULL AND ${q850} IN (${list(rule.q850WithoutSip)}))`);
  if (rule.q850) arms.push(`${q850} IN (${list(rule.q850)})`);
  return arms.join(' OR ');
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** DuckDB expressions for the outcome and the signal of `mapOutcome`, over integer and text columns. */
export function outcomeSql(
  sip: string,
  q850: string,
  status: string,
  statuses: StatusMap,
): { outcome: string; signal: string } {
  const evidence = EVIDENCE_RULES.map((r) => `WHEN ${ruleSql(r, sip, q850)} THEN '${r.outcome}'`);
  const byStatus = [...statuses].map(([word, outcome]) => `WHEN ${quote(word)} THEN '${outcome}'`);
  const signals = EVIDENCE_RULES.filter((r) => r.signal).map(
    (r) => `WHEN ${ruleSql(r, sip, q850)} THEN '${r.signal}'`,
  );
  // A signal only stands when its rule is the first that matches.
  const firstSignal = EVIDENCE_RULES.findIndex((r) => r.signal);
  const earlier = EVIDENCE_RULES.slice(0, firstSignal).map((r) => `(${ruleSql(r, sip, q850)})`);
  return {
    outcome: `(CASE ${evidence.join(' ')} ELSE (CASE ${status} ${byStatus.join(' ')} END) END)`,
    signal: `(CASE WHEN ${earlier.map((e) => `coalesce(${e}, false)`).join(' OR ') || 'false'} THEN NULL ${signals.join(' ')} END)`,
  };
}
