import type { CallFormat } from './model.ts';

export type Encoding = 'utf-8' | 'windows-1252';
export type Delimiter = ',' | ';' | '\t';

/** What the first bytes of a file tell about how to read it. */
export interface Sniffed {
  readonly encoding: Encoding;
  readonly bom: boolean;
  readonly delimiter: Delimiter;
  /** The first record's fields: the header when the format has one. */
  readonly firstRecord: readonly string[];
  readonly sampleRecords: readonly (readonly string[])[];
}

const DELIMITERS: readonly Delimiter[] = [';', ',', '\t'];

/** Decodes a file's first bytes: UTF-8 when they are valid UTF-8, Windows-1252 (Excel's) otherwise. */
export function decodeHead(
  head: Uint8Array,
  complete: boolean,
): { text: string; encoding: Encoding; bom: boolean } {
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  const body = bom ? head.subarray(3) : head;
  // A sample may end inside a multi-byte character: try without up to three trailing bytes.
  for (let cut = 0; cut <= (complete ? 0 : 3); cut++) {
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, body.length - cut));
      return { text, encoding: 'utf-8', bom };
    } catch {
      // not UTF-8 at this cut
    }
  }
  return { text: new TextDecoder('windows-1252').decode(body), encoding: 'windows-1252', bom };
}

/**
 * Splits CSV text into records, honouring quotes (`""` escapes, embedded separators and newlines).
 * Only for the few kilobytes that format detection reads: the file itself is read by DuckDB or csv-parse.
 * When `complete` is false the last record may be cut and is dropped.
 */
export function splitRecords(text: string, delimiter: string, complete: boolean): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      records.push(fields);
      fields = [];
      field = '';
    } else field += ch;
    i++;
  }
  if (complete && (field !== '' || fields.length > 0)) {
    fields.push(field);
    records.push(fields);
  }
  return records.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** Picks the separator that splits the sample's lines into the same number (>1) of fields most often. */
export function detectDelimiter(text: string): Delimiter {
  const sample = text.slice(0, 16_384);
  let best: { delimiter: Delimiter; score: number } = { delimiter: ',', score: -1 };
  for (const delimiter of DELIMITERS) {
    const records = splitRecords(sample, delimiter, false).slice(0, 20);
    const first = records[0]?.length ?? 0;
    if (first < 2) continue;
    const consistent = records.filter((r) => r.length === first).length;
    const score = consistent * 1000 + first;
    if (score > best.score) best = { delimiter, score };
  }
  return best.delimiter;
}

export function sniff(head: Uint8Array, complete: boolean): Sniffed {
  const { text, encoding, bom } = decodeHead(head, complete);
  const delimiter = detectDelimiter(text);
  const records = splitRecords(text, delimiter, complete);
  return { encoding, bom, delimiter, firstRecord: records[0] ?? [], sampleRecords: records.slice(0, 50) };
}

export function normaliseHeaderName(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, '_');
}

const DATETIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER = /^\d+$/;
const ASTERISK_DISPOSITIONS = new Set(['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION', 'CANCEL']);

function share(records: readonly (readonly string[])[], test: (r: readonly string[]) => boolean): number {
  return records.length === 0 ? 0 : records.filter(test).length / records.length;
}

/**
 * Recognises a call-record format from its header, or, for header-less exports, from the column count
 * and the shape of the values. Returns undefined when it cannot decide.
 */
export function detectCallFormat(sniffed: Sniffed): CallFormat | undefined {
  const header = new Set(sniffed.firstRecord.map(normaliseHeaderName));
  if (header.has('call_id') && header.has('started_at')) return 'canonical';
  if (header.has('sid') && header.has('from') && header.has('to') && header.has('status')) return 'twilio';
  if (header.has('call_date') && header.has('phone_number_dialed')) return 'vicidial';
  if (['calldate', 'src', 'dst', 'dcontext', 'billsec', 'disposition'].every((c) => header.has(c)))
    return 'freepbx';
  if (['call_time', 'call_id', 'from', 'to', 'status', 'talking'].every((c) => header.has(c))) return '3cx';
  const records = sniffed.sampleRecords;
  const count = sniffed.firstRecord.length;
  const asterisk =
    [16, 17, 18, 21].includes(count) &&
    share(
      records,
      (r) =>
        DATETIME.test(r[9] ?? '') &&
        INTEGER.test(r[12] ?? '') &&
        INTEGER.test(r[13] ?? '') &&
        ASTERISK_DISPOSITIONS.has((r[14] ?? '').toUpperCase()),
    ) >= 0.8;
  const freeswitch =
    [15, 16, 17].includes(count) &&
    share(
      records,
      (r) =>
        DATETIME.test(r[4] ?? '') &&
        INTEGER.test(r[7] ?? '') &&
        /^[A-Z_]+$/.test(r[9] ?? '') &&
        UUID.test(r[10] ?? ''),
    ) >= 0.8;
  if (asterisk !== freeswitch) return asterisk ? 'asterisk' : 'freeswitch';
  return undefined;
}
