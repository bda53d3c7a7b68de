import type { CallFormat, Outcome } from '../model.ts';
import type { DateFormat } from '../date-format.ts';
import type { StatusMap } from '../outcome.ts';

/** Resolves a source column by name to a SQL reference, or `NULL` when the file lacks it. */
export type ColumnLookup = (name: string) => string;

/** What the ingest knows besides the file: flags and the folder's `vigie-source.json`. */
export interface SourceDefaults {
  readonly caller?: string;
  /** The caller ID per campaign, for exports that lack it (VICIdial). */
  readonly callers?: Readonly<Record<string, string>>;
  /** RE2 pattern of the Asterisk dialplan contexts (`dcontext`) where calls from outside arrive. */
  readonly inboundContexts?: string;
}

/** Asterisk's and FreePBX's usual contexts of calls arriving from a trunk. */
export const DEFAULT_INBOUND_CONTEXTS = '^(?:from-trunk|from-pstn)';

/**
 * How a format's columns become the canonical fields (records.md §2): one SQL expression per field,
 * giving text that the common validation then reads. NULL means the format does not carry the field.
 */
export interface Projection {
  readonly callId: string;
  readonly startedAt: string;
  /** `local`: naive times in `--timezone`, unless they carry an offset; `rfc2822`: Twilio's UTC dates. */
  readonly timeKind: 'local' | 'rfc2822';
  /** The layout of naive local times stated by the user (`--date-format`), instead of Vigie's own readers. */
  readonly dateFormat?: DateFormat;
  readonly caller: string;
  readonly callee: string;
  readonly direction: string;
  /** The source's own status word, upper-cased, looked up in `statuses` after the SIP/Q.850 evidence. */
  readonly status: string;
  readonly statuses: StatusMap;
  readonly sipCode: string;
  readonly q850Cause: string;
  readonly ringSeconds: string;
  readonly talkSeconds: string;
  readonly provider: string;
  readonly site: string;
  readonly client: string;
  readonly campaign: string;
  readonly agent: string;
  readonly purpose: string;
  readonly refused: string;
  readonly attestation: string;
  readonly disposition: string;
  /** Rows sharing a merge key are legs of one call: the lowest `legRank` is kept, the others merged. */
  readonly mergeKey: string;
  readonly legRank: string;
}

export interface FormatSpec {
  readonly id: CallFormat;
  /** Whether the file starts with a header row (matched by name) or has a fixed positional layout. */
  readonly header: boolean;
  /** The column names of a header-less layout with `count` columns, or undefined if not a valid layout. */
  layout?(count: number): readonly string[] | undefined;
  /** A problem with the file's columns (normalised header or layout) that makes the format not fit it. */
  check?(names: readonly string[]): string | undefined;
  project(col: ColumnLookup, defaults: SourceDefaults): Projection;
}

export const NULL = 'NULL';

export function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export function statusMap(entries: Record<string, Outcome>): StatusMap {
  return new Map(Object.entries(entries).map(([word, outcome]) => [word.toUpperCase(), outcome]));
}

/**
 * Text of a column with surrounding spaces removed and blanks read as missing. Trimming copies the
 * string, so it is done only when the value has a space at all: most values have none.
 */
export function text(expression: string): string {
  return `(CASE WHEN contains(${expression}, ' ') THEN nullif(trim(${expression}), '') ELSE nullif(${expression}, '') END)`;
}
