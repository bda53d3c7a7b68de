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
  /** IANA zone of naive local times; default Europe/Paris. */
  readonly timezone?: string;
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

/** What became of one file: `rows = stored + duplicates + quarantined + merged` always holds. */
export interface FileSummary {
  readonly file: string;
  readonly format: string;
  readonly rows: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly quarantined: number;
  readonly merged: number;
  /** Naive local times that fell in the spring-forward gap (moved forward) or the autumn overlap (read as the first). */
  readonly dstGap: number;
  readonly dstOverlap: number;
  readonly encoding: string;
  /** True when this exact file (same bytes) had already been ingested: nothing was stored again. */
  readonly alreadyIngested: boolean;
}
