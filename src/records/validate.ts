import type { Message } from '../shared/messages.ts';
import { ATTESTATIONS, DIRECTIONS, PURPOSES } from './model.ts';
import { outcomeSql } from './outcome.ts';
import type { Projection } from './formats/spec.ts';
import { phoneFastPathSql, phoneStripSql } from '../numbering/phone.ts';
import { localToUtcCodeSql } from '../shared/zone.ts';

/** Why a row was quarantined: a stable code, the field it concerns, and the reason in French and English. */
export interface RowProblem extends Message {
  readonly code: string;
  readonly field: string | null;
}

const problems: Record<string, RowProblem> = {
  call_id_missing: {
    code: 'call_id_missing',
    field: 'call_id',
    fr: 'identifiant d’appel manquant',
    en: 'missing call id',
  },
  started_at_missing: {
    code: 'started_at_missing',
    field: 'started_at',
    fr: 'date de début manquante',
    en: 'missing start time',
  },
  started_at_invalid: {
    code: 'started_at_invalid',
    field: 'started_at',
    fr: 'date de début illisible',
    en: 'unreadable start time',
  },
  caller_missing: {
    code: 'caller_missing',
    field: 'caller',
    fr: 'numéro présenté manquant',
    en: 'missing caller ID',
  },
  caller_invalid: {
    code: 'caller_invalid',
    field: 'caller',
    fr: 'numéro présenté invalide',
    en: 'invalid caller ID',
  },
  callee_missing: {
    code: 'callee_missing',
    field: 'callee',
    fr: 'numéro appelé manquant',
    en: 'missing callee number',
  },
  callee_invalid: {
    code: 'callee_invalid',
    field: 'callee',
    fr: 'numéro appelé invalide',
    en: 'invalid callee number',
  },
  outcome_unknown: {
    code: 'outcome_unknown',
    field: 'outcome',
    fr: 'issue d’appel inconnue',
    en: 'unknown call outcome',
  },
  direction_invalid: {
    code: 'direction_invalid',
    field: 'direction',
    fr: 'sens d’appel inconnu (outbound ou inbound)',
    en: 'unknown direction (outbound or inbound)',
  },
  purpose_invalid: {
    code: 'purpose_invalid',
    field: 'purpose',
    fr: 'finalité inconnue',
    en: 'unknown purpose',
  },
  refused_invalid: {
    code: 'refused_invalid',
    field: 'refused',
    fr: 'valeur booléenne illisible',
    en: 'unreadable boolean',
  },
  attestation_invalid: {
    code: 'attestation_invalid',
    field: 'attestation',
    fr: 'attestation inconnue (A, B ou C)',
    en: 'unknown attestation (A, B or C)',
  },
  ring_seconds_invalid: {
    code: 'ring_seconds_invalid',
    field: 'ring_seconds',
    fr: 'durée de sonnerie illisible',
    en: 'unreadable ring time',
  },
  talk_seconds_invalid: {
    code: 'talk_seconds_invalid',
    field: 'talk_seconds',
    fr: 'durée de conversation illisible',
    en: 'unreadable talk time',
  },
  sip_code_invalid: {
    code: 'sip_code_invalid',
    field: 'sip_code',
    fr: 'code SIP illisible',
    en: 'unreadable SIP code',
  },
  q850_cause_invalid: {
    code: 'q850_cause_invalid',
    field: 'q850_cause',
    fr: 'cause Q.850 illisible',
    en: 'unreadable Q.850 cause',
  },
  columns_mismatch: {
    code: 'columns_mismatch',
    field: null,
    fr: 'nombre de colonnes inattendu',
    en: 'unexpected number of columns',
  },
  malformed: { code: 'malformed', field: null, fr: 'ligne CSV mal formée', en: 'malformed CSV row' },
};

export const ROW_PROBLEM_CODES: readonly string[] = Object.keys(problems);

export function rowProblem(code: string): RowProblem {
  return problems[code] ?? { code, field: null, fr: code, en: code };
}

const quoteList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** Decimal commas (`12,5`) are normal in French exports. */
const decimal = (e: string) => `try_cast(replace(${e}, ',', '.') AS DOUBLE)`;
const integer = (e: string) => `try_cast(${e} AS INTEGER)`;
const TRUE_WORDS = ['true', '1', 'oui', 'yes', 'vrai', 'o', 'y'];
const FALSE_WORDS = ['false', '0', 'non', 'no', 'faux', 'n'];

/** French writings of a local time (`23/11/2026 10:15(:00)`); ISO ones are read by a cast, much faster. */
const FRENCH_FORMATS = ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M'];

/** Name of the SQL function that normalises the phone writings the fast path does not recognise. */
export const PHONE_FUNCTION = 'vigie_phone';

/**
 * The SQL query that turns a format's projected text (relation `projected`) into typed canonical
 * columns plus the row's first problem (NULL when the row can be stored), and whether the row is an
 * extra leg merged into another row of the same call. Phones take a fast path in SQL; the writings it
 * does not recognise go through libphonenumber-js via the `vigie_phone` function.
 */
export function canonicalQuery(
  p: Projection,
  timeZone: string,
  shortCallSeconds: number,
  ordered: string,
  region = 'FR',
): string {
  const started = 'started_text';
  const hasOffset = `regexp_matches(${started}, '(Z|[+-]\\d{2}:?\\d{2})$')`;
  const naive = `(CASE WHEN ${started}[3] = '/' THEN try_strptime(${started}, [${FRENCH_FORMATS.map((f) => `'${f}'`).join(', ')}]) WHEN length(${started}) >= 16 THEN try_cast(${started} AS TIMESTAMP) END)`;
  const offsetTime =
    p.timeKind === 'rfc2822'
      ? `coalesce(try_strptime(${started}, '%a, %d %b %Y %H:%M:%S %z'), try_cast(${started} AS TIMESTAMPTZ))`
      : `try_cast(${started} AS TIMESTAMPTZ)`;
  const outcome = outcomeSql('sip_code', 'q850_cause', 'status_text', p.statuses);
  const phone = (s: string) =>
    `coalesce(${phoneFastPathSql(s, region)}, CASE WHEN ${s} <> '' THEN ${PHONE_FUNCTION}(${s}, '${region.replaceAll("'", "''")}') END)`;
  // Legs of one call are merged before validation, so that an agent's internal leg is merged, not quarantined.
  const merged =
    p.mergeKey === 'NULL'
      ? 'false'
      : `(merge_key IS NOT NULL AND row_number() OVER (PARTITION BY merge_key ORDER BY leg_rank, ${ordered}) > 1)`;
  return `
  SELECT * EXCLUDE (problem), CASE WHEN merged THEN NULL ELSE problem END AS problem_code FROM (
  SELECT *,
    (CASE
      WHEN call_id IS NULL THEN 'call_id_missing'
      WHEN started_text IS NULL THEN 'started_at_missing'
      WHEN started_at IS NULL THEN 'started_at_invalid'
      WHEN caller_s IS NULL OR caller_s = '' THEN 'caller_missing'
      WHEN callee_s IS NULL OR callee_s = '' THEN 'callee_missing'
      WHEN caller IS NULL THEN 'caller_invalid'
      WHEN callee IS NULL THEN 'callee_invalid'
      WHEN direction NOT IN (${quoteList(DIRECTIONS)}) THEN 'direction_invalid'
      WHEN outcome IS NULL THEN 'outcome_unknown'
      WHEN purpose NOT IN (${quoteList(PURPOSES)}) THEN 'purpose_invalid'
      WHEN refused IS NULL THEN 'refused_invalid'
      WHEN attestation IS NOT NULL AND attestation NOT IN (${quoteList(ATTESTATIONS)}) THEN 'attestation_invalid'
      WHEN ring_text IS NOT NULL AND (ring_seconds IS NULL OR ring_seconds < 0) THEN 'ring_seconds_invalid'
      WHEN talk_text IS NOT NULL AND (talk_seconds IS NULL OR talk_seconds < 0) THEN 'talk_seconds_invalid'
      WHEN sip_text IS NOT NULL AND sip_code IS NULL THEN 'sip_code_invalid'
      WHEN q850_text IS NOT NULL AND q850_cause IS NULL THEN 'q850_cause_invalid'
    END) AS problem,
    ${merged} AS merged
  FROM (
  SELECT * EXCLUDE (naive_local, local_code, offset_time, caller_text, callee_text, direction_text, purpose_text, refused_text, attestation_text),
    ${phone('caller_s')} AS caller,
    ${phone('callee_s')} AS callee,
    (CASE WHEN naive_local IS NULL THEN offset_time
          ELSE CAST(naive_local - to_minutes(local_code // 4 - 1440) AS TIMESTAMPTZ) END) AS started_at,
    coalesce(local_code % 4 = 1, false) AS dst_gap,
    coalesce(local_code % 4 = 2, false) AS dst_overlap,
    ${outcome.outcome} AS outcome,
    ${outcome.signal} AS signal,
    (${outcome.outcome} = 'answered' AND coalesce(talk_seconds, 0) < ${Number(shortCallSeconds)}) AS short
  FROM (
    SELECT *, CASE WHEN naive_local IS NOT NULL THEN ${localToUtcCodeSql('naive_local', timeZone)} END AS local_code
    FROM (
    SELECT *,
      CASE WHEN ${hasOffset} THEN NULL ELSE ${naive} END AS naive_local,
      CASE WHEN ${hasOffset} OR ${p.timeKind === 'rfc2822'} THEN ${offsetTime} END AS offset_time,
      ${phoneStripSql('caller_text')} AS caller_s,
      ${phoneStripSql('callee_text')} AS callee_s,
      ${decimal('ring_text')} AS ring_seconds,
      ${decimal('talk_text')} AS talk_seconds,
      ${integer('sip_text')} AS sip_code,
      ${integer('q850_text')} AS q850_cause,
      coalesce(lower(direction_text), 'outbound') AS direction,
      coalesce(lower(purpose_text), 'prospecting') AS purpose,
      CASE WHEN refused_text IS NULL THEN false
           WHEN lower(refused_text) IN (${quoteList(TRUE_WORDS)}) THEN true
           WHEN lower(refused_text) IN (${quoteList(FALSE_WORDS)}) THEN false END AS refused,
      upper(attestation_text) AS attestation
    FROM projected
  ))))`;
}

/** The select list giving each projected field its canonical text name. */
export function projectedSelect(p: Projection, fill: Readonly<Record<string, string | undefined>>): string {
  const withDefault = (expression: string, name: string) => {
    const value = fill[name];
    // A format without the column projects a bare NULL, which DuckDB types as INTEGER: cast to text.
    const typed = `CAST(${expression} AS VARCHAR)`;
    return value === undefined ? typed : `coalesce(${typed}, '${value.replaceAll("'", "''")}')`;
  };
  return [
    `${p.callId} AS call_id`,
    `${p.startedAt} AS started_text`,
    `${p.caller} AS caller_text`,
    `${p.callee} AS callee_text`,
    `${p.direction} AS direction_text`,
    `${p.status} AS status_text`,
    `${p.sipCode} AS sip_text`,
    `${p.q850Cause} AS q850_text`,
    `${p.ringSeconds} AS ring_text`,
    `${p.talkSeconds} AS talk_text`,
    `${withDefault(p.provider, 'provider')} AS provider`,
    `${withDefault(p.site, 'site')} AS site`,
    `${withDefault(p.client, 'client')} AS client`,
    `${withDefault(p.campaign, 'campaign')} AS campaign`,
    `CAST(${p.agent} AS VARCHAR) AS agent`,
    `${p.purpose} AS purpose_text`,
    `${p.refused} AS refused_text`,
    `${p.attestation} AS attestation_text`,
    `${p.disposition} AS disposition`,
    `${p.mergeKey} AS merge_key`,
    `${p.legRank} AS leg_rank`,
  ].join(',\n    ');
}
