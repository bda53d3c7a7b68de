import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from '../../src/config/env.ts';
import { runCli } from '../../src/cli/main.ts';

/** A fresh temporary folder for one test. */
export function tempDir(prefix = 'vigie-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `content` (text as UTF-8, or raw bytes) to `name` in `dir` and returns its path. */
export function writeFile(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Encodes text as Windows-1252, as French Excel saves CSV files. */
export function windows1252(text: string): Uint8Array {
  const special: Record<string, number> = {
    '€': 0x80,
    '’': 0x92,
    œ: 0x9c,
    Œ: 0x8c,
    '…': 0x85,
    '«': 0xab,
    '»': 0xbb,
  };
  return Uint8Array.from(
    [...text].map((ch) => special[ch] ?? (ch.charCodeAt(0) <= 0xff ? ch.charCodeAt(0) : 0x3f)),
  );
}

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the CLI in-process with a captured output, as a user would type it. */
export async function cli(args: readonly string[], cwd = tempDir()): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const env: Environment = { defaultDb: join(cwd, '.vigie', 'vigie.duckdb'), cwd, interactive: false };
  const code = await runCli(args, { env, out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
