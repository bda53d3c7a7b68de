import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import iconv from 'iconv-lite';

const CHUNK = 64 * 1024;

/**
 * A file written in chunks with backpressure: `write` buffers and returns a promise only when the
 * stream asks to wait, so that millions of rows cost no await each and memory stays bounded.
 */
export class OutFile {
  readonly path: string;
  readonly #stream: WriteStream;
  readonly #encoding: 'utf-8' | 'windows-1252';
  #parts: string[] = [];
  #size = 0;
  /** Lines written so far (the caller counts them; rows never embed newlines). */
  lines = 0;

  constructor(path: string, encoding: 'utf-8' | 'windows-1252' = 'utf-8') {
    mkdirSync(dirname(path), { recursive: true });
    this.path = path;
    this.#encoding = encoding;
    this.#stream = createWriteStream(path);
  }

  /** Appends text; await the result when it is a promise (the stream is full). */
  write(text: string): Promise<void> | undefined {
    this.#parts.push(text);
    this.#size += text.length;
    if (this.#size < CHUNK) return undefined;
    return this.flush();
  }

  flush(): Promise<void> | undefined {
    if (this.#parts.length === 0) return undefined;
    const text = this.#parts.join('');
    this.#parts = [];
    this.#size = 0;
    const bytes =
      this.#encoding === 'windows-1252' ? iconv.encode(text, 'win1252') : Buffer.from(text, 'utf8');
    if (this.#stream.write(bytes)) return undefined;
    return once(this.#stream, 'drain').then(() => undefined);
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.#stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
  }
}
