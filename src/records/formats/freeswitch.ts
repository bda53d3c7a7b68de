import { type FormatSpec, NULL, statusMap, text } from './spec.ts';

const BASE = [
  'caller_id_name',
  'caller_id_number',
  'destination_number',
  'context',
  'start_stamp',
  'answer_stamp',
  'end_stamp',
  'duration',
  'billsec',
  'hangup_cause',
  'uuid',
  'bleg_uuid',
  'accountcode',
  'read_codec',
  'write_codec',
] as const;

/** mod_cdr_csv's `example` template, optionally followed by sip_term_status and hangup_cause_q850. */
const LAYOUTS: Record<number, readonly string[]> = {
  15: BASE,
  16: [...BASE, 'sip_term_status'],
  17: [...BASE, 'sip_term_status', 'hangup_cause_q850'],
};

export const freeswitchFormat: FormatSpec = {
  id: 'freeswitch',
  header: false,
  layout: (count) => LAYOUTS[count],
  project(col, defaults) {
    const f = (name: string) => text(col(name));
    const duration = `try_cast(${f('duration')} AS DOUBLE)`;
    const billsec = `try_cast(${f('billsec')} AS DOUBLE)`;
    const fallbackCaller = defaults.caller ? `, '${defaults.caller.replaceAll("'", "''")}'` : '';
    return {
      callId: f('uuid'),
      startedAt: f('start_stamp'),
      timeKind: 'local',
      caller: `coalesce(${f('caller_id_number')}${fallbackCaller})`,
      callee: f('destination_number'),
      direction: NULL,
      // NORMAL_CLEARING means answered only when there was talk time.
      status: `(CASE WHEN upper(${f('hangup_cause')}) = 'NORMAL_CLEARING' AND coalesce(${billsec}, 0) = 0 THEN 'NORMAL_CLEARING_UNANSWERED' ELSE upper(${f('hangup_cause')}) END)`,
      statuses: statusMap({
        NORMAL_CLEARING: 'answered',
        NORMAL_CLEARING_UNANSWERED: 'no_answer',
        NO_ANSWER: 'no_answer',
        NO_USER_RESPONSE: 'no_answer',
        USER_BUSY: 'busy',
        CALL_REJECTED: 'rejected',
        UNWANTED: 'blocked',
        UNALLOCATED_NUMBER: 'invalid_number',
        NO_ROUTE_DESTINATION: 'invalid_number',
        INVALID_NUMBER_FORMAT: 'invalid_number',
        ORIGINATOR_CANCEL: 'canceled',
        NORMAL_TEMPORARY_FAILURE: 'failed',
        DESTINATION_OUT_OF_ORDER: 'failed',
        NETWORK_OUT_OF_ORDER: 'failed',
        RECOVERY_ON_TIMER_EXPIRE: 'failed',
        NORMAL_CIRCUIT_CONGESTION: 'failed',
      }),
      sipCode: f('sip_term_status'),
      q850Cause: f('hangup_cause_q850'),
      ringSeconds: `CAST(greatest(${duration} - coalesce(${billsec}, 0), 0) AS VARCHAR)`,
      talkSeconds: f('billsec'),
      provider: NULL,
      site: NULL,
      client: NULL,
      campaign: NULL,
      agent: NULL,
      purpose: NULL,
      refused: NULL,
      attestation: NULL,
      disposition: f('hangup_cause'),
      mergeKey: NULL,
      legRank: NULL,
    };
  },
};
