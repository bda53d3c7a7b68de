import { DEFAULT_INBOUND_CONTEXTS, type FormatSpec, NULL, sqlText, statusMap, text } from './spec.ts';

const BASE = [
  'accountcode',
  'src',
  'dst',
  'dcontext',
  'clid',
  'channel',
  'dstchannel',
  'lastapp',
  'lastdata',
  'start',
  'answer',
  'end',
  'duration',
  'billsec',
  'disposition',
  'amaflags',
] as const;

/** cdr_csv's Master.csv layouts: 16 columns, then uniqueid (17), userfield (18), peeraccount/linkedid/sequence (21). */
const LAYOUTS: Record<number, readonly string[]> = {
  16: BASE,
  17: [...BASE, 'uniqueid'],
  18: [...BASE, 'uniqueid', 'userfield'],
  21: [...BASE, 'uniqueid', 'userfield', 'peeraccount', 'linkedid', 'sequence'],
};

export const asteriskFormat: FormatSpec = {
  id: 'asterisk',
  header: false,
  layout: (count) => LAYOUTS[count],
  project(col, defaults) {
    const f = (name: string) => text(col(name));
    const clidNumber = `nullif(regexp_extract(${f('clid')}, '<([^>]*)>', 1), '')`;
    const caller = `coalesce(${f('src')}, ${clidNumber}${defaults.caller ? `, '${defaults.caller.replaceAll("'", "''")}'` : ''})`;
    const duration = `try_cast(${f('duration')} AS DOUBLE)`;
    const billsec = `try_cast(${f('billsec')} AS DOUBLE)`;
    return {
      // Without uniqueid (16 columns) the start, channel and numbers identify the leg.
      callId: `coalesce(${f('uniqueid')}, concat_ws('|', ${f('start')}, ${f('channel')}, ${f('src')}, ${f('dst')}))`,
      startedAt: f('start'),
      timeKind: 'local',
      caller,
      callee: f('dst'),
      // A call that entered the dialplan in a trunk's context came from outside; otherwise the numbers tell.
      direction: `(CASE WHEN regexp_matches(coalesce(${f('dcontext')}, ''), ${sqlText(defaults.inboundContexts ?? DEFAULT_INBOUND_CONTEXTS)}) THEN 'inbound' END)`,
      status: `upper(${f('disposition')})`,
      statuses: statusMap({
        ANSWERED: 'answered',
        'NO ANSWER': 'no_answer',
        BUSY: 'busy',
        FAILED: 'failed',
        CONGESTION: 'failed',
        CANCEL: 'canceled',
      }),
      // A dialplan may write the final SIP response into userfield, e.g. `SIP 608`.
      sipCode: `nullif(regexp_extract(${f('userfield')}, 'SIP[ :]?(\\d{3})', 1), '')`,
      q850Cause: NULL,
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
      disposition: f('disposition'),
      mergeKey: col('linkedid') === NULL ? NULL : f('linkedid'),
      // The leg towards the callee: the one that dialled out to a full phone number, then the longest.
      legRank: `(CASE WHEN regexp_full_match(coalesce(${f('dst')}, ''), '\\+?\\d{9,15}') THEN 0 ELSE 1000000 END) + (CASE WHEN ${f('lastapp')} = 'Dial' THEN 0 ELSE 100000 END) - least(coalesce(${billsec}, 0), 99999)`,
    };
  },
};
