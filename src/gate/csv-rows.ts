/**
 * The records of a CSV file as byte ranges of its buffer, and one field of each. Hand-written rather
 * than csv-parse because a scrub must copy each callable row out byte for byte (csv-parse gives
 * fields, and its `raw` option a re-decoded string) and walk 5 million rows in about a second;
 * csv-parse.property.test checks that it reads the same fields as csv-parse (RFC 4180: quoted fields,
 * doubled quotes, separators and line breaks inside quotes, CRLF or LF).
 */

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/** The delimiter of a header line: the most frequent of `;`, `,`, tab and `|` outside quotes. */
export function detectDelimiter(header: string): number {
  const counts = new Map<number, number>();
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ';' || ch === ',' || ch === '\t' || ch === '|'))
      counts.set(ch.charCodeAt(0), (counts.get(ch.charCodeAt(0)) ?? 0) + 1);
  }
  let best = 0x2c;
  let most = 0;
  for (const [code, n] of counts)
    if (n > most) {
      best = code;
      most = n;
    }
  return best;
}

/** One record: `[start, end)` of its bytes without the line break, `next` the start of the next one. */
export interface RecordSpan {
  start: number;
  end: number;
  next: number;
  /** `[fieldStart, fieldEnd)` of the field asked for, quotes included; -1 when the record is shorter. */
  fieldStart: number;
  fieldEnd: number;
  fields: number;
}

/**
 * Reads the record starting at `from` into `span` (reused: no allocation per row), noting the bytes of
 * field `column` (0-based). Returns false at the end of the buffer.
 */
export function nextRecord(
  buf: Uint8Array,
  from: number,
  delimiter: number,
  column: number,
  span: RecordSpan,
): boolean {
  const n = buf.length;
  if (from >= n) return false;
  let i = from;
  let field = 0;
  let fieldStart = from;
  span.fieldStart = -1;
  span.fieldEnd = -1;
  let quoted = false;
  for (;;) {
    if (i >= n) {
      if (field === column) {
        span.fieldStart = fieldStart;
        span.fieldEnd = n;
      }
      span.start = from;
      span.end = n;
      span.next = n;
      span.fields = field + 1;
      return true;
    }
    const c = buf[i] as number;
    if (quoted) {
      if (c === QUOTE) {
        if (buf[i + 1] === QUOTE) i += 2;
        else {
          quoted = false;
          i++;
        }
      } else i++;
      continue;
    }
    if (c === QUOTE) {
      quoted = true;
      i++;
    } else if (c === delimiter) {
      if (field === column) {
        span.fieldStart = fieldStart;
        span.fieldEnd = i;
      }
      field++;
      i++;
      fieldStart = i;
    } else if (c === LF || c === CR) {
      if (field === column) {
        span.fieldStart = fieldStart;
        span.fieldEnd = i;
      }
      span.start = from;
      span.end = i;
      span.next = c === CR && buf[i + 1] === LF ? i + 2 : i + 1;
      span.fields = field + 1;
      return true;
    } else i++;
  }
}

export function newSpan(): RecordSpan {
  return { start: 0, end: 0, next: 0, fieldStart: -1, fieldEnd: -1, fields: 0 };
}

/** The text of a field's bytes: quotes removed and doubled quotes undone (latin1: digits and separators). */
export function fieldText(buf: Uint8Array, start: number, end: number): string {
  if (start < 0) return '';
  const raw = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
  if (raw.length >= 2 && raw.charCodeAt(0) === QUOTE && raw.charCodeAt(raw.length - 1) === QUOTE)
    return raw.slice(1, -1).replaceAll('""', '"');
  return raw;
}

/** Every field of a record (the header), decoded by `decode`. */
export function splitFields(line: string, delimiter: number): string[] {
  const d = String.fromCharCode(delimiter);
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = false;
      } else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === d) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** A CSV field: quoted when it holds the delimiter, a quote or a line break. */
export function csvField(value: string, delimiter: number): string {
  const d = String.fromCharCode(delimiter);
  return value.includes(d) || value.includes('"') || value.includes('\n') || value.includes('\r')
    ? `"${value.replaceAll('"', '""')}"`
    : value;
}
