import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import { UsageError } from '../shared/errors.ts';

const HEAD_BYTES = 64 * 1024;

/** The first bytes of a file, for format detection; a usage error when it cannot be read. */
export async function readHead(path: string): Promise<{ head: Uint8Array; size: number; complete: boolean }> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`${path}: not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(HEAD_BYTES, size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { head: buffer.subarray(0, bytesRead), size, complete: bytesRead >= size };
  } finally {
    await handle.close();
  }
}

/** SHA-256 of a file, streamed: the evidence that this exact file was (or was not) ingested before. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Re-encodes a Windows-1252 file as UTF-8 (DuckDB reads UTF-8; its latin-1 differs on € œ ’ and the like). */
export async function transcodeToUtf8(path: string, target: string): Promise<void> {
  const decoder = new TextDecoder('windows-1252');
  await pipeline(
    createReadStream(path, { highWaterMark: 1 << 20 }),
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        done(null, Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'));
      },
      flush(done) {
        done(null, Buffer.from(decoder.decode(), 'utf8'));
      },
    }),
    createWriteStream(target),
  );
}

/**
 * Finds, for the given 0-based data-record indexes (sorted), the physical line where each record starts
 * and its raw text, by a quote-aware scan of the file. Used only for rows that are quarantined, so that
 * the fast path never pays for line numbers it does not report.
 */
export async function locateRecords(
  path: string,
  wanted: readonly number[],
  skipHeader: boolean,
  onRecord: (index: number, line: number, raw: string) => void,
): Promise<void> {
  if (wanted.length === 0) return;
  let next = 0;
  let record = skipHeader ? -1 : 0;
  let line = 1;
  let startLine = 1;
  let quoted = false;
  let length = 0;
  let capture: number[] | undefined;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buffer = chunk as Buffer;
    for (let i = 0; i < buffer.length; i++) {
      const byte = buffer[i] ?? 0;
      if (length === 0 && byte !== 0x0d && byte !== 0x0a) {
        startLine = line;
        capture = record === wanted[next] ? [] : undefined;
      }
      if (byte === 0x22) quoted = !quoted;
      if (byte === 0x0a) {
        line++;
        if (quoted) {
          capture?.push(byte);
          continue;
        }
        // Blank lines are not records, as for the CSV readers.
        if (length === 0) continue;
        if (capture !== undefined) {
          onRecord(record, startLine, Buffer.from(capture).toString('utf8').replace(/\r$/, ''));
          capture = undefined;
          next++;
          if (next >= wanted.length) return;
        }
        record++;
        length = 0;
        continue;
      }
      if (byte !== 0x0d || length > 0) length++;
      capture?.push(byte);
    }
  }
  if (capture !== undefined && length > 0) onRecord(record, startLine, Buffer.from(capture).toString('utf8'));
}

/** One CSV record read by `readCsvRecords`, with the physical line it starts on and its raw text. */
export interface CsvRecord {
  readonly fields: readonly string[];
  readonly line: number;
  readonly raw: string;
}

/**
 * Streams a CSV file's records with csv-parse, tolerant of what real exports contain: a malformed row
 * (broken quotes) is handed to `onMalformed` with its line and text, and reading goes on.
 */
export async function readCsvRecords(
  path: string,
  options: { readonly delimiter: string; readonly fromLine: number },
  onRecord: (record: CsvRecord) => void,
  onMalformed: (line: number, raw: string) => void,
): Promise<void> {
  const parser = createReadStream(path).pipe(
    parse({
      delimiter: options.delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      raw: true,
      info: true,
      from_line: options.fromLine,
    }),
  );
  parser.on('skip', (error: Error & { lines?: number; raw?: string }) =>
    onMalformed(error.lines ?? 0, error.raw ?? ''),
  );
  for await (const item of parser as AsyncIterable<{
    record: string[];
    raw: string;
    info: { lines: number };
  }>) {
    const raw = item.raw.replace(/\r?\n$|\r$/, '');
    // csv-parse counts the lines read so far; a record with quoted newlines started that many lines earlier.
    const line = item.info.lines - (raw.match(/\n/g)?.length ?? 0);
    onRecord({ fields: item.record, line, raw });
  }
}
