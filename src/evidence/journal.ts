import { createHash } from 'node:crypto';

/**
 * The evidence journal's pure core: the line of an entry, its hash, and the check of a chain of lines.
 * A line is seven tab-separated fields, in this order:
 *
 *   seq  at  kind  actor  previous  content_sha256  content
 *
 * `at` is a UTC ISO instant, `previous` the sha256 of the previous entry's line (64 zeros for the
 * first), `content_sha256` the sha256 of `content` and a line feed (what `cut -f7-` prints), a JSON object on one line (JSON escapes tabs and
 * line breaks, so it holds neither). An entry's hash is the sha256 of its line's UTF-8 bytes. Nothing
 * else is needed to check a chain: docs/evidence.md does it with `cut` and `sha256sum`.
 */

export const GENESIS = '0'.repeat(64);

/** What is appended: its kind (`scrub`, `registry.import`, `consent.change`…), who, when, and the facts. */
export interface EvidenceInput {
  readonly kind: string;
  readonly actor: string;
  /** UTC instant. */
  readonly at: Date;
  readonly content: Readonly<Record<string, unknown>>;
}

export interface EvidenceEntry {
  readonly seq: number;
  readonly line: string;
  readonly hash: string;
}

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The hash of a content field: its bytes and a line feed, as `cut -f7- | sha256sum` reads it. */
export const contentHash = (content: string): string => sha256(`${content}\n`);

/** Kind and actor stay on their field: tabs and line breaks become spaces. */
const oneField = (text: string): string => text.replace(/[\t\r\n]/g, ' ');

/** JSON with the keys of every object in sorted order: the same facts always give the same bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** The entry `seq` after the entry whose hash is `previous`. */
export function makeEntry(seq: number, previous: string, input: EvidenceInput): EvidenceEntry {
  const content = canonicalJson(input.content);
  const line = [
    String(seq),
    input.at.toISOString(),
    oneField(input.kind),
    oneField(input.actor),
    previous,
    contentHash(content),
    content,
  ].join('\t');
  return { seq, line, hash: sha256(line) };
}

/** One field of a line, split as `cut -f` does (the content is everything from the 7th field on). */
export function fieldsOf(line: string): string[] | undefined {
  const parts = line.split('\t');
  if (parts.length < 7) return undefined;
  return [...parts.slice(0, 6), parts.slice(6).join('\t')];
}

export interface ChainProblem {
  /** The seq the entry should have had at this position. */
  readonly expectedSeq: number;
  /** The seq its line says (null when unreadable). */
  readonly seq: number | null;
  readonly problem: 'unreadable' | 'seq' | 'content' | 'previous' | 'hash';
  readonly message: string;
}

export interface ChainCheck {
  readonly ok: boolean;
  readonly entries: number;
  /** The hash of the last line (what to compare with a head noted elsewhere). */
  readonly head: string;
  /** Every problem, in order; the first names the first entry that breaks the chain. */
  readonly problems: readonly ChainProblem[];
}

/**
 * Checks lines in order: each entry's seq follows the previous one, its content hash matches its
 * content, its `previous` is the hash of the line before (`previous` for the first), and, when the
 * stored hash is given, the line's own hash. Altering, removing or reordering any entry breaks one.
 */
export function verifyChain(
  lines: readonly { readonly line: string; readonly hash?: string }[],
  options: { readonly previous?: string; readonly firstSeq?: number } = {},
): ChainCheck {
  const problems: ChainProblem[] = [];
  let previous = options.previous ?? GENESIS;
  let expected = options.firstSeq ?? 1;
  for (const { line, hash } of lines) {
    const f = fieldsOf(line);
    const seq = f === undefined ? null : Number(f[0]);
    const at = `entry ${expected}${seq !== null && seq !== expected ? ` (line says ${seq})` : ''}`;
    if (f === undefined || seq === null || !Number.isInteger(seq)) {
      problems.push({
        expectedSeq: expected,
        seq: null,
        problem: 'unreadable',
        message: `${at}: not 7 tab-separated fields`,
      });
    } else {
      if (seq !== expected)
        problems.push({
          expectedSeq: expected,
          seq,
          problem: 'seq',
          message: `${at}: out of sequence — an entry was removed or the entries reordered / entrée manquante ou déplacée`,
        });
      if (contentHash(f[6] ?? '') !== f[5])
        problems.push({
          expectedSeq: expected,
          seq,
          problem: 'content',
          message: `${at}: content does not match its sha256 — altered / contenu modifié`,
        });
      if (f[4] !== previous)
        problems.push({
          expectedSeq: expected,
          seq,
          problem: 'previous',
          message: `${at}: its previous hash is not the hash of the entry before it — the chain is broken here / chaîne rompue`,
        });
    }
    const own = sha256(line);
    if (hash !== undefined && hash !== own)
      problems.push({
        expectedSeq: expected,
        seq,
        problem: 'hash',
        message: `${at}: the line does not match its stored hash — altered / entrée modifiée`,
      });
    previous = own;
    expected = (seq !== null && Number.isInteger(seq) ? seq : expected) + 1;
  }
  return { ok: problems.length === 0, entries: lines.length, head: previous, problems };
}

/** The header and trailer of an export file (`#` lines; the entries' lines never start with `#`). */
export function exportText(
  entries: readonly EvidenceEntry[],
  meta: { from: string; to: string; previous: string; total: number },
): string {
  const head = entries.at(-1)?.hash ?? meta.previous;
  const first = entries[0]?.seq ?? 0;
  const last = entries.at(-1)?.seq ?? 0;
  return [
    '# vigie evidence export 1',
    `# days: ${meta.from} to ${meta.to} (Europe/Paris); entries ${first} to ${last}; ${meta.total} in the journal`,
    `# previous: ${meta.previous}`,
    ...entries.map((e) => e.line),
    `# head: ${head}`,
    '',
  ].join('\n');
}
