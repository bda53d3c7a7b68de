import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** A small deterministic PRNG (mulberry32), so that generated files are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CANONICAL_HEADER =
  'call_id,started_at,caller,callee,direction,outcome,ring_seconds,talk_seconds,provider,client,campaign,purpose,refused,sip_code';

const OUTCOMES: readonly [string, number, string][] = [
  ['answered', 0.3, '200'],
  ['no_answer', 0.45, '480'],
  ['voicemail', 0.12, '200'],
  ['busy', 0.08, '486'],
  ['blocked', 0.02, '607'],
  ['invalid_number', 0.03, '404'],
];

/** One canonical CSV row, as a provider's dialer would write it. */
export function canonicalRow(i: number, random: () => number, startMs: number, idPrefix = 'call'): string {
  const caller = `+3316200${String(Math.floor(random() * 400)).padStart(4, '0')}`;
  const callee = `+336${String(10_000_000 + Math.floor(random() * 2_000_000)).padStart(8, '0')}`;
  let r = random();
  let pick = OUTCOMES[0] ?? ['answered', 1, '200'];
  for (const o of OUTCOMES) {
    if (r < o[1]) {
      pick = o;
      break;
    }
    r -= o[1];
  }
  const answered = pick[0] === 'answered';
  const started = new Date(startMs + i * 250 + Math.floor(random() * 200));
  const iso = `${started.toISOString().slice(0, 19)}Z`;
  const talk = answered ? (random() * 300).toFixed(1) : '0';
  const ring = (random() * 30).toFixed(0);
  return `${idPrefix}-${i},${iso},${caller},${callee},outbound,${pick[0]},${ring},${talk},bench-provider,enerlux,winter,prospecting,${random() < 0.01 ? 'true' : 'false'},${pick[2]}`;
}

/** Writes `rows` canonical call records to `path`, streaming (bounded memory whatever the size). */
export async function writeCanonicalFile(
  path: string,
  rows: number,
  seed = 1,
  idPrefix = 'call',
): Promise<void> {
  const random = prng(seed);
  const out = createWriteStream(path);
  const startMs = Date.UTC(2026, 9, 1, 8, 0, 0);
  out.write(`${CANONICAL_HEADER}\n`);
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    chunk.push(canonicalRow(i, random, startMs, idPrefix));
    if (chunk.length === 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(`${chunk.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
}

/** The ten columns of issue 12's lean canonical file: only what a dialer must give. */
export const LEAN_HEADER =
  'call_id,started_at,caller,callee,direction,outcome,ring_seconds,talk_seconds,provider,campaign';

/** One lean canonical row: E.164 numbers, an ISO UTC time, no optional column. */
export function leanRow(i: number, random: () => number, startMs: number, idPrefix = 'call'): string {
  const caller = `+3316200${String(Math.floor(random() * 400)).padStart(4, '0')}`;
  const callee = `+336${String(10_000_000 + Math.floor(random() * 2_000_000)).padStart(8, '0')}`;
  let r = random();
  let pick = OUTCOMES[0] ?? ['answered', 1, '200'];
  for (const o of OUTCOMES) {
    if (r < o[1]) {
      pick = o;
      break;
    }
    r -= o[1];
  }
  const started = new Date(startMs + i * 250 + Math.floor(random() * 200));
  const talk = pick[0] === 'answered' ? (random() * 300).toFixed(0) : '0';
  const ring = (random() * 30).toFixed(0);
  return `${idPrefix}-${i},${started.toISOString().slice(0, 19)}Z,${caller},${callee},outbound,${pick[0]},${ring},${talk},bench-provider,winter`;
}

/** Writes `rows` lean canonical rows (see `LEAN_HEADER`) to `path`, streaming. */
export async function writeLeanCanonicalFile(path: string, rows: number, seed = 1): Promise<void> {
  const random = prng(seed);
  const out = createWriteStream(path);
  const startMs = Date.UTC(2026, 9, 1, 8, 0, 0);
  out.write(`${LEAN_HEADER}\n`);
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    chunk.push(leanRow(i, random, startMs));
    if (chunk.length === 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(`${chunk.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
}
