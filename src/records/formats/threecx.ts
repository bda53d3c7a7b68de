import { durationSecondsSql } from './durations.ts';
import { type FormatSpec, NULL, sqlText, statusMap, text } from './spec.ts';

/** The header of 3CX's call reports / call history CSV export (v18, v20), normalised. */
export const THREECX_COLUMNS = [
  'call_time',
  'call_id',
  'from',
  'to',
  'direction',
  'status',
  'ringing',
  'talking',
  'cost',
] as const;

/**
 * The number in a 3CX party: `Dupont, Marie (101)` and `FAX (8888)` carry it in parentheses,
 * `Ext.610` after a prefix, external parties are the bare number.
 */
function partyNumber(expression: string): string {
  const inParentheses = `nullif(regexp_extract(${expression}, '\\(([^()]*)\\)\\s*$', 1), '')`;
  return `regexp_replace(coalesce(${inParentheses}, ${expression}), '^Ext\\.\\s*', '')`;
}

/**
 * 3CX call reports (Call Time, Call ID, From, To, Direction, Status, Ringing, Talking, Cost): one row per
 * call or per segment of it, times in the PBX's zone, durations as h:mm:ss. The export does not carry
 * the caller ID presented on outbound calls (From is the agent's extension): it comes from `--caller`,
 * or from From when that is a full number.
 */
export const threecxFormat: FormatSpec = {
  id: '3cx',
  header: true,
  project(col, defaults) {
    const f = (name: string) => text(col(name));
    const from = partyNumber(f('from'));
    const to = partyNumber(f('to'));
    const direction = `lower(${f('direction')})`;
    const fullNumber = (e: string) => `(CASE WHEN regexp_full_match(${e}, '\\+?\\d{9,15}') THEN ${e} END)`;
    const given = defaults.caller === undefined ? NULL : sqlText(defaults.caller);
    const talk = durationSecondsSql(f('talking'));
    return {
      callId: f('call_id'),
      startedAt: f('call_time'),
      timeKind: 'local',
      caller: `(CASE WHEN ${direction} = 'inbound' THEN ${from} ELSE coalesce(${given}, ${fullNumber(from)}) END)`,
      callee: to,
      // `internal` (extension to extension) is not a call to a callee: quarantined as `direction_invalid`.
      direction,
      status: `upper(${f('status')})`,
      statuses: statusMap({ ANSWERED: 'answered', UNANSWERED: 'no_answer' }),
      sipCode: NULL,
      q850Cause: NULL,
      ringSeconds: durationSecondsSql(f('ringing')),
      talkSeconds: talk,
      provider: NULL,
      site: NULL,
      client: NULL,
      campaign: NULL,
      agent: `(CASE WHEN ${direction} = 'outbound' THEN ${f('from')} END)`,
      purpose: NULL,
      refused: NULL,
      attestation: NULL,
      disposition: f('status'),
      // The segments of one call share its Call ID: the answered one, then the longest, is kept.
      mergeKey: f('call_id'),
      legRank: `(CASE WHEN upper(${f('status')}) = 'ANSWERED' THEN 0 ELSE 100000 END) - least(coalesce(try_cast(${talk} AS DOUBLE), 0), 99999)`,
    };
  },
};
