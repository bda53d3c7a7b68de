import { compileDateFormat, type DateFormat } from './date-format.ts';
import { durationSecondsSql } from './formats/durations.ts';
import { type FormatSpec, NULL, statusMap, text } from './formats/spec.ts';
import { DIRECTIONS, type Direction, OUTCOMES, type Outcome } from './model.ts';
import { normaliseHeaderName } from './sniff.ts';

/** The canonical fields (records.md §1) that a column map can fill from a file's own columns. */
export const MAPPABLE_FIELDS = [
  'call_id',
  'started_at',
  'caller',
  'callee',
  'direction',
  'outcome',
  'ring_seconds',
  'talk_seconds',
  'provider',
  'site',
  'client',
  'campaign',
  'agent',
  'purpose',
  'refused',
  'sip_code',
  'q850_cause',
  'attestation',
  'disposition',
] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];

/** Fields without which no call can be read; `caller` may come from `--caller`, `call_id` is derived. */
const REQUIRED_FIELDS: readonly MappableField[] = ['started_at', 'callee', 'outcome'];

/**
 * How an unknown export maps onto the canonical record (`--map FILE`, or the `columns`, `date_format`,
 * `outcomes` and `directions` keys of a `vigie-source.json`).
 */
export interface ColumnMap {
  /** Where the map was read, for messages. */
  readonly source: string;
  /** Canonical field → the file's column name, normalised as headers are. */
  readonly columns: Readonly<Partial<Record<MappableField, string>>>;
  readonly dateFormat?: DateFormat;
  /** The file's status words (upper-cased) → canonical outcomes, besides the canonical words themselves. */
  readonly outcomes: Readonly<Record<string, Outcome>>;
  /** The file's direction words (lower-cased) → canonical directions. */
  readonly directions: Readonly<Record<string, Direction>>;
}

/** A map file's keys; `$schema` and `comment` are allowed and ignored. */
export const COLUMN_MAP_KEYS = ['columns', 'date_format', 'outcomes', 'directions'] as const;

export type ColumnMapResult = { ok: true; map: ColumnMap } | { ok: false; key: string; reason: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a column map (parsed JSON); a mistake names the key (`columns.started_at`, `outcomes.NRP`…).
 * `extraKeys` are the other keys the enclosing object may hold (a `vigie-source.json`'s own).
 */
export function readColumnMap(
  data: unknown,
  source: string,
  extraKeys: readonly string[] = [],
): ColumnMapResult {
  const fail = (key: string, reason: string): ColumnMapResult => ({ ok: false, key, reason });
  if (!isObject(data)) return fail('', 'expected an object such as {"columns": {"started_at": "Date"}}');
  for (const key of Object.keys(data)) {
    const known = (COLUMN_MAP_KEYS as readonly string[]).includes(key) || extraKeys.includes(key);
    if (!known && !key.startsWith('$') && key !== 'comment')
      return fail(key, `unknown key (expected ${COLUMN_MAP_KEYS.join(', ')})`);
  }
  const columns = data.columns;
  if (!isObject(columns)) return fail('columns', 'must map canonical fields to the file’s column names');
  const mapped: Partial<Record<MappableField, string>> = {};
  for (const [field, name] of Object.entries(columns)) {
    if (!(MAPPABLE_FIELDS as readonly string[]).includes(field))
      return fail(
        `columns.${field}`,
        `not a canonical field (expected one of ${MAPPABLE_FIELDS.join(', ')})`,
      );
    if (typeof name !== 'string' || name.trim() === '')
      return fail(`columns.${field}`, 'must be the name of a column of the file');
    mapped[field as MappableField] = normaliseHeaderName(name);
  }
  const missing = REQUIRED_FIELDS.filter((f) => mapped[f] === undefined);
  if (missing.length > 0) return fail('columns', `missing ${missing.join(', ')}`);
  let dateFormat: DateFormat | undefined;
  if (data.date_format !== undefined) {
    if (typeof data.date_format !== 'string')
      return fail('date_format', 'must be a string such as "DD/MM/YYYY HH:mm"');
    const compiled = compileDateFormat(data.date_format);
    if (!compiled.ok) return fail('date_format', compiled.reason);
    dateFormat = compiled.format;
  }
  const outcomes: Record<string, Outcome> = {};
  if (data.outcomes !== undefined) {
    if (!isObject(data.outcomes)) return fail('outcomes', 'must map the file’s statuses to outcomes');
    for (const [word, outcome] of Object.entries(data.outcomes)) {
      if (typeof outcome !== 'string' || !(OUTCOMES as readonly string[]).includes(outcome))
        return fail(`outcomes.${word}`, `must be one of ${OUTCOMES.join(', ')}`);
      outcomes[word.trim().toUpperCase()] = outcome as Outcome;
    }
  }
  const directions: Record<string, Direction> = {};
  if (data.directions !== undefined) {
    if (!isObject(data.directions))
      return fail('directions', 'must map the file’s directions to outbound or inbound');
    for (const [word, direction] of Object.entries(data.directions)) {
      if (typeof direction !== 'string' || !(DIRECTIONS as readonly string[]).includes(direction))
        return fail(`directions.${word}`, `must be one of ${DIRECTIONS.join(', ')}`);
      directions[word.trim().toLowerCase()] = direction as Direction;
    }
  }
  return {
    ok: true,
    map: { source, columns: mapped, ...(dateFormat ? { dateFormat } : {}), outcomes, directions },
  };
}

const sqlString = (value: string) => `'${value.replaceAll("'", "''")}'`;

const CANONICAL_SYNONYMS: Record<string, Outcome> = {
  'no-answer': 'no_answer',
  noanswer: 'no_answer',
  cancelled: 'canceled',
  invalid: 'invalid_number',
};

/** A header format that reads a file through a column map: the format id `map`. */
export function mappedFormat(map: ColumnMap): FormatSpec {
  return {
    id: 'map',
    header: true,
    check(names) {
      const absent = Object.entries(map.columns).filter(([, name]) => !names.includes(name));
      if (absent.length === 0) return undefined;
      return `the columns ${absent.map(([field, name]) => `"${name}" (${map.source}: columns.${field})`).join(', ')} are not in the header (found: ${names.join(', ')})`;
    },
    project(col, defaults) {
      const f = (field: MappableField) => {
        const name = map.columns[field];
        return name === undefined ? NULL : text(col(name));
      };
      const started = f('started_at');
      const caller =
        defaults.caller === undefined
          ? f('caller')
          : `coalesce(${f('caller')}, ${sqlString(defaults.caller)})`;
      const directionWords = Object.entries(map.directions).map(
        ([word, direction]) => `WHEN ${sqlString(word)} THEN '${direction}'`,
      );
      const direction =
        directionWords.length === 0
          ? f('direction')
          : `(CASE lower(${f('direction')}) ${directionWords.join(' ')} ELSE ${f('direction')} END)`;
      return {
        // Without a call id, the start, numbers and status identify the call (a re-sent row is a duplicate).
        callId:
          map.columns.call_id === undefined
            ? `concat_ws('|', ${started}, ${f('caller')}, ${f('callee')}, ${f('outcome')})`
            : f('call_id'),
        startedAt: started,
        timeKind: 'local',
        ...(map.dateFormat ? { dateFormat: map.dateFormat } : {}),
        caller,
        callee: f('callee'),
        direction,
        status: `upper(${f('outcome')})`,
        statuses: statusMap({
          ...Object.fromEntries(OUTCOMES.map((o) => [o, o])),
          ...CANONICAL_SYNONYMS,
          ...map.outcomes,
        }),
        sipCode: f('sip_code'),
        q850Cause: f('q850_cause'),
        ringSeconds: durationSecondsSql(f('ring_seconds')),
        talkSeconds: durationSecondsSql(f('talk_seconds')),
        provider: f('provider'),
        site: f('site'),
        client: f('client'),
        campaign: f('campaign'),
        agent: f('agent'),
        purpose: f('purpose'),
        refused: f('refused'),
        attestation: f('attestation'),
        disposition: map.columns.disposition === undefined ? f('outcome') : f('disposition'),
        mergeKey: NULL,
        legRank: NULL,
      };
    },
  };
}
