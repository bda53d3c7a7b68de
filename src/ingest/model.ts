import type { ColumnMap } from '../records/column-map.ts';
import type { CallFormat } from '../records/model.ts';

/** Options of one ingest, from flags and the folder's `vigie-source.json` (flags win). */
export interface IngestOptions {
  readonly format?: CallFormat | 'auto';
  readonly provider?: string;
  readonly site?: string;
  readonly client?: string;
  readonly campaign?: string;
  /** The caller ID for exports that lack it. */
  readonly caller?: string;
  /** The caller ID per campaign, for exports that lack it (VICIdial). */
  readonly callers?: Readonly<Record<string, string>>;
  /** ISO 3166 region of numbers written without an international prefix (`FR`, `MA`, `TN`…); default FR. */
  readonly country?: string;
  /** RE2 pattern of PBX extensions, matched on the number without separators (`--extensions`). */
  readonly extensions?: string;
  /** RE2 pattern of the Asterisk contexts of inbound calls (`--inbound-contexts`); default from-trunk/from-pstn. */
  readonly inboundContexts?: string;
  /** IANA zone of naive local times; default Europe/Paris. */
  readonly timezone?: string;
  /** `--asterisk-template`: the cdr_custom mapping that gives an `asterisk-custom` file its columns. */
  readonly asteriskTemplate?: string;
  /** `--map FILE` or a `vigie-source.json`'s `columns`: how an unknown export's columns map (format `map`). */
  readonly columnMap?: ColumnMap;
  /** `--date-format`: the layout of naive start times (`DD/MM/YY HH:mm`), never guessed. */
  readonly dateFormat?: string;
  /** Talk time under which an answered call is `short`; default 6 s. */
  readonly shortCallSeconds?: number;
  /** Called now and then with the rows read so far and the bytes of the file. */
  readonly onProgress?: (progress: IngestProgress) => void;
}

export interface IngestProgress {
  readonly file: string;
  readonly fraction: number;
  readonly rows: number;
}

/** What became of one file: `rows = stored + duplicates + quarantined + merged + internal` always holds. */
export interface FileSummary {
  readonly file: string;
  readonly format: string;
  readonly rows: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly quarantined: number;
  readonly merged: number;
  /** Calls inside the PBX (extension to extension), set aside in `internal_calls`. */
  readonly internal: number;
  /** Naive local times that fell in the spring-forward gap (moved forward) or the autumn overlap (read as the first). */
  readonly dstGap: number;
  readonly dstOverlap: number;
  readonly encoding: string;
  /** The zone naive times were read in, and where it came from (call files only). */
  readonly timezone?: string;
  readonly timezoneFrom?: 'option' | 'default' | 'uniqueid';
  /** What the file's evidence contradicts (`--timezone` against the uniqueids), in French and English. */
  readonly warnings?: readonly string[];
  /** True when this exact file (same bytes) had already been ingested: nothing was stored again. */
  readonly alreadyIngested: boolean;
}
