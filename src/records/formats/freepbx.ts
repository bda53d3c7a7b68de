import { type FormatSpec, NULL, sqlText, statusMap, text } from './spec.ts';

/** Asterisk's CDR dispositions (records.md §3), which FreePBX records unchanged. */
const STATUSES = statusMap({
  ANSWERED: 'answered',
  'NO ANSWER': 'no_answer',
  BUSY: 'busy',
  FAILED: 'failed',
  CONGESTION: 'failed',
  CANCEL: 'canceled',
});

/**
 * FreePBX "CDR Reports" → "CSV File" export (the cdr module's `cdr_export_csv`): a header row of the
 * `cdr` table's columns, `calldate` in the PBX's local time. On outbound calls `src` is the extension
 * and `outbound_cnum` the caller ID presented on the trunk; on inbound calls `did` is the number called.
 */
export const FREEPBX_COLUMNS = [
  'calldate',
  'clid',
  'src',
  'dst',
  'dcontext',
  'channel',
  'dstchannel',
  'lastapp',
  'lastdata',
  'duration',
  'billsec',
  'disposition',
  'amaflags',
  'accountcode',
  'uniqueid',
  'userfield',
  'did',
  'cnum',
  'cnam',
  'outbound_cnum',
  'outbound_cnam',
  'dst_cnam',
  'recordingfile',
  'linkedid',
  'peeraccount',
  'sequence',
] as const;

/** FreePBX's contexts for calls arriving from a trunk (`from-trunk` and its aliases). */
export const FREEPBX_INBOUND_CONTEXTS = '^(from-trunk|from-pstn|from-did-direct|ext-did|from-sip-external)';

export const freepbxFormat: FormatSpec = {
  id: 'freepbx',
  header: true,
  project(col, defaults) {
    const f = (name: string) => text(col(name));
    const inbound = `regexp_matches(coalesce(${f('dcontext')}, ''), ${sqlText(FREEPBX_INBOUND_CONTEXTS)})`;
    const clidNumber = `nullif(regexp_extract(${f('clid')}, '<([^>]*)>', 1), '')`;
    const given = defaults.caller === undefined ? NULL : sqlText(defaults.caller);
    const duration = `try_cast(${f('duration')} AS DOUBLE)`;
    const billsec = `try_cast(${f('billsec')} AS DOUBLE)`;
    return {
      callId: `coalesce(${f('uniqueid')}, concat_ws('|', ${f('calldate')}, ${f('channel')}, ${f('src')}, ${f('dst')}))`,
      startedAt: f('calldate'),
      timeKind: 'local',
      // Outbound: the caller ID presented on the trunk, else the one given for the file, else the source.
      caller: `(CASE WHEN ${inbound} THEN coalesce(${f('src')}, ${f('cnum')}, ${clidNumber}) ELSE coalesce(${f('outbound_cnum')}, ${given}, ${f('src')}, ${f('cnum')}) END)`,
      callee: `(CASE WHEN ${inbound} THEN coalesce(${f('did')}, ${f('dst')}) ELSE ${f('dst')} END)`,
      direction: `(CASE WHEN ${inbound} THEN 'inbound' ELSE 'outbound' END)`,
      status: `upper(${f('disposition')})`,
      statuses: STATUSES,
      sipCode: `nullif(regexp_extract(${f('userfield')}, 'SIP[ :]?(\\d{3})', 1), '')`,
      q850Cause: NULL,
      ringSeconds: `CAST(greatest(${duration} - coalesce(${billsec}, 0), 0) AS VARCHAR)`,
      talkSeconds: f('billsec'),
      provider: NULL,
      site: NULL,
      client: NULL,
      campaign: NULL,
      agent: f('cnam'),
      purpose: NULL,
      refused: NULL,
      attestation: NULL,
      disposition: f('disposition'),
      mergeKey: col('linkedid') === NULL ? NULL : f('linkedid'),
      // The leg towards the callee: a Dial to a full phone number, then the longest talk.
      legRank: `(CASE WHEN regexp_full_match(coalesce(${f('dst')}, ''), '\\+?\\d{9,15}') THEN 0 ELSE 1000000 END) + (CASE WHEN ${f('lastapp')} = 'Dial' THEN 0 ELSE 100000 END) - least(coalesce(${billsec}, 0), 99999)`,
    };
  },
};
