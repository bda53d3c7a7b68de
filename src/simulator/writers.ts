import type { Outcome } from '../records/model.ts';
import { formatFrench, formatLocal, isoUtc, rfc2822 } from './calendar.ts';
import type { ExportFormat } from './config.ts';
import { frenchSpaced } from './numbers.ts';

/**
 * How each dialer writes one call (records.md §2), and what each can express: an outcome that a
 * format cannot carry is written as the one its dialer would report, and that observed outcome is
 * the one the simulator counts.
 */

export type Corruption = 'bad_date' | 'bad_callee' | 'missing_callee' | 'bad_outcome';
export const CORRUPTIONS: readonly Corruption[] = ['bad_date', 'bad_callee', 'missing_callee', 'bad_outcome'];

export type AnsweredKind = 'sale' | 'not_interested' | 'callback' | 'refused';

export interface CallRow {
  readonly callId: string;
  /** Asterisk: the uniqueid of the agent leg of an answered call. */
  readonly agentLegId: string;
  readonly t: number;
  readonly ring: number;
  readonly talk: number;
  readonly outcome: Outcome;
  readonly answeredKind: AnsweredKind;
  readonly blockedCode: 607 | 608;
  readonly agent: string;
  readonly callerNational: string;
  readonly callerE164: string;
  readonly callerName: string;
  readonly calleeE164: string;
  /** Country code of the callee (33, 262, 590…). */
  readonly calleeCc: string;
  readonly client: string;
  readonly campaign: string;
  readonly purpose: string;
  readonly refused: boolean;
  readonly corrupt: Corruption | null;
  /** Per-file counter for channel names and lead ids. */
  readonly sequence: number;
}

/** The outcome a format reports for what happened. */
export function observe(format: ExportFormat, outcome: Outcome): Outcome {
  switch (format) {
    case 'asterisk':
    case 'freeswitch':
      return outcome === 'voicemail' ? 'no_answer' : outcome;
    case 'vicidial':
      if (outcome === 'blocked') return 'rejected';
      if (outcome === 'failed' || outcome === 'canceled') return 'no_answer';
      return outcome;
    case 'twilio':
      if (outcome === 'rejected') return 'busy';
      if (outcome === 'blocked' || outcome === 'invalid_number') return 'failed';
      return outcome;
    default:
      return outcome;
  }
}

export function fileName(format: ExportFormat, day: string): string {
  const d = day.replaceAll('-', '');
  switch (format) {
    case 'canonical-excel':
      return `appels-${d}.csv`;
    case 'canonical':
      return `calls-${d}.csv`;
    case 'asterisk':
      return `Master-${d}.csv`;
    case 'freeswitch':
      return `cdr-${d}.csv`;
    case 'vicidial':
      return `export-calls-${d}.txt`;
    case 'twilio':
      return `call-log-${d}.csv`;
  }
}

export function encodingOf(format: ExportFormat): 'utf-8' | 'windows-1252' {
  return format === 'canonical-excel' ? 'windows-1252' : 'utf-8';
}

/** The vigie-source.json `format` of a folder. */
export function ingestFormat(format: ExportFormat): string {
  return format === 'canonical-excel' ? 'canonical' : format;
}

/** Whether the rows carry the client / the campaign themselves (else the folder's vigie-source.json must). */
export function carries(format: ExportFormat): { client: boolean; campaign: boolean } {
  if (format === 'canonical' || format === 'canonical-excel') return { client: true, campaign: true };
  if (format === 'vicidial') return { client: false, campaign: true };
  return { client: false, campaign: false };
}

const EXCEL_HEADER =
  'call_id;started_at;caller;callee;outcome;ring_seconds;talk_seconds;client;campaign;agent;purpose;refused;sip_code;disposition';
const VICIDIAL_HEADER = [
  'lead_id',
  'list_id',
  'call_date',
  'phone_number_dialed',
  'status',
  'user',
  'campaign_id',
  'length_in_sec',
  'phone_code',
  'uniqueid',
  'caller_code',
  'hangup_cause',
  'dialstatus',
  'answered_time',
].join('\t');
const TWILIO_HEADER =
  'sid,parent_call_sid,date_created,start_time,end_time,duration,from,to,direction,status,answered_by,price,price_unit';

/** The header line (without newline) of a format, or undefined for header-less exports. */
export function header(format: ExportFormat): string | undefined {
  switch (format) {
    case 'canonical-excel':
      return EXCEL_HEADER;
    case 'vicidial':
      return VICIDIAL_HEADER;
    case 'twilio':
      return TWILIO_HEADER;
    default:
      return undefined;
  }
}

/** Line terminator: French Excel writes CRLF. */
export function newline(format: ExportFormat): string {
  return format === 'canonical-excel' ? '\r\n' : '\n';
}

const SIP: Readonly<Record<Outcome, number>> = {
  answered: 200,
  voicemail: 200,
  no_answer: 480,
  busy: 486,
  rejected: 603,
  blocked: 607,
  invalid_number: 404,
  failed: 503,
  canceled: 487,
};

const EXCEL_DISPOSITION: Readonly<Record<Outcome, string>> = {
  answered: 'Pas intéressé',
  voicemail: 'Répondeur',
  no_answer: 'Pas de réponse',
  busy: 'Occupé',
  rejected: 'Rejeté',
  blocked: 'Bloqué opérateur',
  invalid_number: 'Numéro inexistant',
  failed: 'Échec réseau',
  canceled: 'Annulé',
};
const EXCEL_ANSWERED: Readonly<Record<AnsweredKind, string>> = {
  sale: 'Vente conclue',
  not_interested: 'Pas intéressé',
  callback: 'Rappel demandé',
  refused: 'Ne plus m’appeler',
};

function decimalComma(value: number): string {
  return (Math.round(value * 10) / 10).toFixed(1).replace('.', ',').replace(/,0$/, '');
}

function nsn(row: CallRow): string {
  return row.calleeE164.slice(1 + row.calleeCc.length);
}

/** `06 12 34 56 78` for metropolitan numbers; `+262 692 12 34 56` overseas (a national 0262… is ambiguous). */
function excelCallee(row: CallRow): string {
  if (row.calleeCc === '33') return frenchSpaced(`0${nsn(row)}`);
  const n = nsn(row);
  return `+${row.calleeCc} ${n.slice(0, 3)} ${n.slice(3, 5)} ${n.slice(5, 7)} ${n.slice(7)}`;
}

/** What a dialer dials: `0612345678` in France, `00262692…` overseas. */
function dialled(row: CallRow): string {
  return row.calleeCc === '33' ? `0${nsn(row)}` : `00${row.calleeCc}${nsn(row)}`;
}

const BAD_DATE_LOCAL = '2026-10-32 25:61:00';

function q(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

function excelField(text: string): string {
  return /[;"\r\n]/.test(text) ? q(text) : text;
}

/** The lines (without terminators) that a format writes for one call. */
export function renderCall(format: ExportFormat, row: CallRow, zone: string): string[] {
  const answered = row.outcome === 'answered';
  const start = row.corrupt === 'bad_date' ? BAD_DATE_LOCAL : formatLocal(zone, row.t);
  const calleeText =
    row.corrupt === 'missing_callee' ? '' : row.corrupt === 'bad_callee' ? '06123' : undefined;
  const sip = row.outcome === 'blocked' ? row.blockedCode : SIP[row.outcome];
  switch (format) {
    case 'canonical':
    case 'canonical-excel': {
      const disposition = answered ? EXCEL_ANSWERED[row.answeredKind] : EXCEL_DISPOSITION[row.outcome];
      const fields = [
        row.callId,
        row.corrupt === 'bad_date' ? '31/10/2026 25:61:00' : formatFrench(zone, row.t),
        frenchSpaced(row.callerNational),
        calleeText ?? excelCallee(row),
        row.corrupt === 'bad_outcome' ? 'décroché ?' : row.outcome,
        decimalComma(row.ring),
        decimalComma(row.talk),
        row.client,
        row.campaign,
        row.agent,
        row.purpose,
        row.refused ? 'oui' : 'non',
        row.corrupt === 'bad_outcome' ? '' : String(sip),
        disposition,
      ];
      return [fields.map(excelField).join(';')];
    }
    case 'asterisk': {
      const ring = Math.round(row.ring);
      const talk = Math.round(row.talk);
      const answer = answered ? formatLocal(zone, row.t + ring) : '';
      const end = formatLocal(zone, row.t + ring + talk);
      const disposition =
        row.corrupt === 'bad_outcome'
          ? 'ANSWERD'
          : {
              answered: 'ANSWERED',
              voicemail: 'NO ANSWER',
              no_answer: 'NO ANSWER',
              busy: 'BUSY',
              rejected: 'FAILED',
              blocked: 'FAILED',
              invalid_number: 'FAILED',
              failed: 'CONGESTION',
              canceled: 'CANCEL',
            }[row.outcome];
      const userfield =
        row.corrupt === null &&
        (row.outcome === 'rejected' || row.outcome === 'blocked' || row.outcome === 'invalid_number')
          ? `SIP ${sip}`
          : '';
      const dst = calleeText ?? dialled(row);
      const seq = row.sequence.toString(16).padStart(8, '0');
      const clid = `"${row.callerName}" <${row.callerNational}>`;
      const leg = [
        q(''),
        q(row.callerNational),
        q(dst),
        q('from-internal'),
        q(clid),
        q(`SIP/trunk-${seq}`),
        q(`SIP/orange-${seq}`),
        q('Dial'),
        q(`SIP/orange/${dst},45`),
        q(start),
        q(answer),
        q(end),
        String(ring + talk),
        String(talk),
        q(disposition),
        q('DOCUMENTATION'),
        q(row.callId),
        q(userfield),
        q(''),
        q(row.callId),
        '1',
      ].join(',');
      if (!answered || row.corrupt !== null) return [leg];
      const agentExt = row.agent.replace(/\D/g, '') || '200';
      const agentLeg = [
        q(''),
        q(row.callerNational),
        q(agentExt),
        q('agents'),
        q(clid),
        q(`Local/${agentExt}@agents-${seq};1`),
        q(`SIP/agent${agentExt}-${seq}`),
        q('Queue'),
        q('agents'),
        q(answer),
        q(formatLocal(zone, row.t + ring + 1)),
        q(end),
        String(talk),
        String(Math.max(0, talk - 1)),
        q('ANSWERED'),
        q('DOCUMENTATION'),
        q(row.agentLegId),
        q(''),
        q(''),
        q(row.callId),
        '2',
      ].join(',');
      return [leg, agentLeg];
    }
    case 'freeswitch': {
      const ring = Math.round(row.ring);
      const talk = Math.round(row.talk);
      const [cause, q850] =
        row.corrupt === 'bad_outcome'
          ? ['NORMAL_CLEARNG', 16]
          : (
              {
                answered: ['NORMAL_CLEARING', 16],
                voicemail: ['NO_ANSWER', 19],
                no_answer: ['NO_ANSWER', 19],
                busy: ['USER_BUSY', 17],
                rejected: ['CALL_REJECTED', 21],
                blocked: ['UNWANTED', 21],
                invalid_number: ['UNALLOCATED_NUMBER', 1],
                failed: ['NORMAL_TEMPORARY_FAILURE', 41],
                canceled: ['ORIGINATOR_CANCEL', 16],
              } as const
            )[row.outcome];
      const sipText =
        row.corrupt === 'bad_outcome' ? '200' : row.outcome === 'voicemail' ? '480' : String(sip);
      const destination = calleeText ?? (row.calleeCc === '33' ? `0${nsn(row)}` : row.calleeE164);
      return [
        [
          row.callerName,
          row.callerE164,
          destination,
          'default',
          start,
          answered ? formatLocal(zone, row.t + ring) : '',
          formatLocal(zone, row.t + ring + talk),
          String(ring + talk),
          String(talk),
          cause,
          row.callId,
          '',
          row.campaign,
          'PCMA',
          'PCMA',
          sipText,
          String(q850),
        ]
          .map(q)
          .join(','),
      ];
    }
    case 'vicidial': {
      const human = answered;
      const status =
        row.corrupt === 'bad_outcome'
          ? 'XYZ'
          : human
            ? { sale: 'SALE', not_interested: 'NI', callback: 'CALLBK', refused: 'DNC' }[row.answeredKind]
            : ((
                {
                  voicemail: 'AM',
                  no_answer: 'NA',
                  busy: 'B',
                  rejected: 'ADCT',
                  invalid_number: 'DC',
                } as Partial<Record<Outcome, string>>
              )[row.outcome] ?? 'NA');
      const hangup =
        human || row.outcome === 'voicemail' || row.corrupt === 'bad_outcome'
          ? 16
          : (({ busy: 17, rejected: 21, invalid_number: 1 } as Partial<Record<Outcome, number>>)[
              row.outcome
            ] ?? 19);
      const talk = Math.round(row.talk);
      const lead = 100_000 + row.sequence;
      return [
        [
          String(lead),
          '1001',
          start,
          row.corrupt === 'missing_callee' ? '' : row.corrupt === 'bad_callee' ? '6123' : nsn(row),
          status,
          human ? row.agent : 'VDAD',
          row.campaign,
          String(human ? talk : 0),
          row.calleeCc,
          row.callId,
          `V${start.replace(/\D/g, '').slice(4, 12)}${String(lead).padStart(10, '0')}`,
          String(hangup),
          human || row.outcome === 'voicemail' ? 'ANSWER' : row.outcome === 'busy' ? 'BUSY' : 'NOANSWER',
          human ? formatLocal(zone, row.t + Math.round(row.ring)) : '',
        ].join('\t'),
      ];
    }
    case 'twilio': {
      const ring = Math.round(row.ring);
      const talk = Math.round(row.talk);
      const completed = row.outcome === 'answered' || row.outcome === 'voicemail';
      const status =
        row.corrupt === 'bad_outcome'
          ? 'in-progress'
          : completed
            ? 'completed'
            : ((
                { busy: 'busy', no_answer: 'no-answer', canceled: 'canceled' } as Partial<
                  Record<Outcome, string>
                >
              )[row.outcome] ?? 'failed');
      const created = row.corrupt === 'bad_date' ? 'Mon, 32 Oct 2026 25:61:00 +0000' : rfc2822(row.t);
      return [
        [
          row.callId,
          '',
          q(created),
          q(created),
          q(rfc2822(row.t + ring + talk)),
          String(completed ? talk : 0),
          row.callerE164,
          calleeText ?? row.calleeE164,
          'outbound-api',
          status,
          row.outcome === 'answered' ? 'human' : row.outcome === 'voicemail' ? 'machine_end_beep' : '',
          completed ? `-${(0.014 * Math.ceil(Math.max(talk, 1) / 60)).toFixed(3)}` : '0',
          'EUR',
        ].join(','),
      ];
    }
  }
}

export const INBOUND_HEADER =
  'call_id,started_at,caller,callee,direction,outcome,ring_seconds,talk_seconds,provider,site,client,campaign';

export function renderInbound(row: {
  id: string;
  t: number;
  from: string;
  to: string;
  answered: boolean;
  ring: number;
  talk: number;
  provider: string;
  site: string;
  client: string;
  campaign: string;
}): string {
  return [
    row.id,
    isoUtc(row.t),
    row.from,
    row.to,
    'inbound',
    row.answered ? 'answered' : 'no_answer',
    String(row.ring),
    String(row.talk),
    row.provider,
    row.site,
    row.client,
    row.campaign,
  ].join(',');
}
