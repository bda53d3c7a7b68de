import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ReceivedMail {
  readonly user: string | null;
  readonly from: string | null;
  readonly to: readonly string[];
  readonly raw: string;
}

/** A running `smtp-sink.ts` child process and the messages it printed. */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  port = 0;
  private child: ChildProcess | undefined;
  private waiters: (() => void)[] = [];

  static async start(user?: string, pass?: string): Promise<SmtpSink> {
    const sink = new SmtpSink();
    const script = join(import.meta.dirname, 'smtp-sink.ts');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', script, ...(user && pass ? [user, pass] : [])],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    sink.child = child;
    const lines = createInterface({ input: child.stdout ?? process.stdin });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`smtp-sink exited with ${code}`)));
      lines.on('line', (line) => {
        const value = JSON.parse(line) as { port?: number } & ReceivedMail;
        if (value.port !== undefined) {
          sink.port = value.port;
          resolve();
        } else {
          sink.messages.push(value);
          for (const w of sink.waiters.splice(0)) w();
        }
      });
    });
    return sink;
  }

  /** Waits until `count` messages have arrived (the server prints them after replying 250). */
  async received(count: number, timeoutMs = 5_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline)
        throw new Error(`only ${this.messages.length} of ${count} messages received`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.messages;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    child.removeAllListeners('exit');
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) in an unfolded header value. */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

export function decodeQuotedPrintable(text: string): string {
  const input = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const hex = input.slice(i + 1, i + 3);
    if (input.charAt(i) === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(input.charAt(i), 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Splits a raw message into its headers (lower-case names, unfolded, decoded) and its decoded text body. */
export function parseMail(raw: string): { headers: Record<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = decodeHeader(line.slice(colon + 1).trim());
  }
  const body = raw.slice(split + 4);
  const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  const text =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : body;
  return { headers, body: text.replace(/\r\n/g, '\n') };
}
