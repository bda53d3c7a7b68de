import { type FormatSpec, statusMap, text } from './spec.ts';

export const twilioFormat: FormatSpec = {
  id: 'twilio',
  header: true,
  project(col) {
    const f = (name: string) => text(col(name));
    const direction = `lower(${f('direction')})`;
    return {
      callId: f('sid'),
      startedAt: `coalesce(${f('start_time')}, ${f('date_created')})`,
      timeKind: 'rfc2822',
      caller: f('from'),
      callee: f('to'),
      direction: `(CASE WHEN ${direction} LIKE 'outbound%' THEN 'outbound' WHEN ${direction} = 'inbound' THEN 'inbound' ELSE ${direction} END)`,
      // A completed call that a machine answered reached voicemail.
      status: `(CASE WHEN lower(${f('status')}) = 'completed' AND lower(coalesce(${f('answered_by')}, '')) LIKE 'machine%' THEN 'COMPLETED_MACHINE' WHEN lower(${f('status')}) = 'completed' AND lower(coalesce(${f('answered_by')}, '')) = 'fax' THEN 'COMPLETED_MACHINE' ELSE upper(${f('status')}) END)`,
      statuses: statusMap({
        COMPLETED: 'answered',
        COMPLETED_MACHINE: 'voicemail',
        BUSY: 'busy',
        'NO-ANSWER': 'no_answer',
        CANCELED: 'canceled',
        FAILED: 'failed',
      }),
      sipCode: 'NULL',
      q850Cause: 'NULL',
      ringSeconds: 'NULL',
      talkSeconds: `(CASE WHEN lower(${f('status')}) = 'completed' THEN ${f('duration')} ELSE '0' END)`,
      provider: 'NULL',
      site: 'NULL',
      client: 'NULL',
      campaign: 'NULL',
      agent: 'NULL',
      purpose: 'NULL',
      refused: 'NULL',
      attestation: 'NULL',
      disposition: f('status'),
      // A parent leg and the outbound-dial legs it spawned are one call: keep the leg towards the callee.
      mergeKey: col('parent_call_sid') === 'NULL' ? 'NULL' : `coalesce(${f('parent_call_sid')}, ${f('sid')})`,
      legRank: `(CASE WHEN ${direction} = 'outbound-dial' THEN 0 WHEN ${direction} LIKE 'outbound%' THEN 1 ELSE 2 END)`,
    };
  },
};
