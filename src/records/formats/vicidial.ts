import type { Outcome } from '../model.ts';
import { type FormatSpec, NULL, sqlText, statusMap, text } from './spec.ts';

/** Statuses that an agent sets after talking to a person: the call was answered by a human. */
const HUMAN_ANSWERED = [
  'SALE',
  'NI',
  'NP',
  'CALLBK',
  'CBHOLD',
  'DEC',
  'DNC',
  'DNCL',
  'XFER',
  'NQ',
  'WRONG',
  'INCALL',
];

const statuses: Record<string, Outcome> = {
  ...Object.fromEntries(HUMAN_ANSWERED.map((s) => [s, 'answered' as const])),
  NA: 'no_answer',
  N: 'no_answer',
  B: 'busy',
  AB: 'busy',
  A: 'voicemail',
  AA: 'voicemail',
  AM: 'voicemail',
  AL: 'voicemail',
  DC: 'invalid_number',
  ADC: 'invalid_number',
  ADCT: 'rejected',
  // Dropped by the system after the callee answered: answered, and a nuisance.
  DROP: 'answered',
  PDROP: 'answered',
};

export const vicidialFormat: FormatSpec = {
  id: 'vicidial',
  header: true,
  project(col, defaults) {
    const f = (name: string) => text(col(name));
    const campaign = f('campaign_id');
    const byCampaign = Object.entries(defaults.callers ?? {}).map(
      ([name, number]) => `WHEN ${sqlText(name)} THEN ${sqlText(number)}`,
    );
    const caller = [
      byCampaign.length > 0 ? `(CASE ${campaign} ${byCampaign.join(' ')} END)` : undefined,
      defaults.caller ? sqlText(defaults.caller) : undefined,
    ].filter((x) => x !== undefined);
    const dialled = f('phone_number_dialed');
    // VICIdial stores the number without its country code when phone_code says it (33 + 612345678).
    const callee = `(CASE WHEN ${f('phone_code')} IS NOT NULL AND NOT regexp_matches(${dialled}, '^[+0]') THEN '+' || ${f('phone_code')} || ${dialled} ELSE ${dialled} END)`;
    return {
      callId: `coalesce(${f('uniqueid')}, ${f('caller_code')}, concat_ws('|', ${f('lead_id')}, ${f('call_date')}, ${dialled}))`,
      startedAt: f('call_date'),
      timeKind: 'local',
      caller: caller.length > 0 ? `coalesce(${caller.join(', ')})` : NULL,
      callee,
      direction: NULL,
      status: `upper(${f('status')})`,
      statuses: statusMap(statuses),
      sipCode: NULL,
      q850Cause: `nullif(regexp_extract(${f('hangup_cause')}, '^\\d+$'), '')`,
      ringSeconds: NULL,
      talkSeconds: f('length_in_sec'),
      provider: NULL,
      site: NULL,
      client: NULL,
      campaign,
      agent: f('user'),
      purpose: NULL,
      refused: `(CASE WHEN upper(${f('status')}) IN ('DNC', 'DNCL') THEN 'true' END)`,
      attestation: NULL,
      disposition: f('status'),
      mergeKey: NULL,
      legRank: NULL,
    };
  },
};
