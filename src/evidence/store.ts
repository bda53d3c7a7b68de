import type { Store } from '../store/store.ts';
import {
  type ChainCheck,
  type EvidenceEntry,
  type EvidenceInput,
  exportText,
  GENESIS,
  makeEntry,
  verifyChain,
} from './journal.ts';

/**
 * Appends one entry after the last one. Runs inside the caller's transaction when there is one (the
 * action and its evidence commit together); `recordEvidence` opens its own.
 */
export async function appendEvidence(store: Store, input: EvidenceInput): Promise<EvidenceEntry> {
  const last = await store.one<{ seq: bigint; hash: string }>(
    'SELECT seq, hash FROM evidence_journal ORDER BY seq DESC LIMIT 1',
  );
  const entry = makeEntry(Number(last?.seq ?? 0) + 1, last?.hash ?? GENESIS, input);
  await store.run('INSERT INTO evidence_journal VALUES ($1, $2, $3)', [entry.seq, entry.line, entry.hash]);
  return entry;
}

export function recordEvidence(store: Store, input: EvidenceInput): Promise<EvidenceEntry> {
  return store.transaction(() => appendEvidence(store, input));
}

export async function loadEvidence(store: Store): Promise<EvidenceEntry[]> {
  const rows = await store.all<{ seq: bigint; line: string; hash: string }>(
    'SELECT seq, line, hash FROM evidence_journal ORDER BY seq',
  );
  return rows.map((r) => ({ seq: Number(r.seq), line: r.line, hash: r.hash }));
}

/** Checks the whole stored journal (lines, stored hashes and chain). */
export async function verifyStoredEvidence(store: Store): Promise<ChainCheck> {
  return verifyChain(await loadEvidence(store));
}

/** The Paris calendar day (`YYYY-MM-DD`) of an entry's instant. */
function parisDay(iso: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
}

/**
 * The self-contained export of the entries whose Paris day is within `[from, to]`: their lines, the
 * hash of the entry before the first (so that the range checks alone) and the head. The whole stored
 * journal is checked first: an export of a broken journal is refused.
 */
export async function exportEvidence(
  store: Store,
  from: string,
  to: string,
): Promise<{ text: string; entries: number; check: ChainCheck }> {
  const all = await loadEvidence(store);
  const check = verifyChain(all);
  const selected: EvidenceEntry[] = [];
  let previous = GENESIS;
  for (const e of all) {
    const at = e.line.split('\t')[1] ?? '';
    const day = parisDay(at);
    if (day < from) previous = e.hash;
    else if (day <= to) selected.push(e);
  }
  return {
    text: exportText(selected, { from, to, previous, total: all.length }),
    entries: selected.length,
    check,
  };
}

/** The registry files in force (kind, id, sha256): the versions a decision or a scrub used. */
export async function registryVersions(
  store: Store,
): Promise<{ kind: string; id: number; sha256: string }[]> {
  const rows = await store.all<{ kind: string; id: number; sha256: string }>(
    `SELECT r.kind, f.id, f.sha256 FROM registry_files r JOIN source_files f ON f.id = r.source_file_id
     WHERE r.superseded_by IS NULL ORDER BY f.id`,
  );
  return rows.map((r) => ({ kind: r.kind, id: Number(r.id), sha256: r.sha256 }));
}
