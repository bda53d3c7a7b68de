import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/evidence/journal.ts';
import { loadEvidence } from '../../src/evidence/store.ts';
import { recordAction } from '../../src/reputation/service.ts';
import { openStore } from '../../src/store/store.ts';
import { cli, tempDir, writeFile } from '../support/files.ts';

const REGISTRY = join(import.meta.dirname, '..', 'fixtures', 'law', 'registry');
const DOC = join(import.meta.dirname, '..', '..', 'docs', 'evidence.md');
const dir = tempDir('vigie-evidence-');
const db = join(dir, 'vigie.duckdb');

/** The shell procedure of docs/evidence.md, as an inspector would copy it. */
function documentedProcedure(): string {
  const doc = readFileSync(DOC, 'utf8');
  const section = doc.slice(doc.indexOf('## Checking an export'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('no sh block in docs/evidence.md');
  return block;
}

function inspect(file: string): { code: number; out: string } {
  const folder = tempDir('vigie-inspector-');
  copyFileSync(file, join(folder, 'evidence.tsv'));
  const run = spawnSync('bash', ['-c', documentedProcedure()], { cwd: folder, encoding: 'utf8' });
  return { code: run.status ?? -1, out: `${run.stdout}${run.stderr}`.trim() };
}

let lines: { line: string; hash: string }[] = [];

beforeAll(async () => {
  expect((await cli(['registry', 'import', '--registry', REGISTRY, '--db', db])).code).toBe(0);
  // The operator action through the reputation service (vigie number suspend refuses a caller ID with no
  // calls, and this test ingests none): the action and its journal entry commit together.
  const seed = await openStore({ path: db });
  try {
    await recordAction(seed, {
      number: '+33162000000',
      action: 'suspend',
      at: '2026-11-20T09:00:00Z',
      day: '2026-11-20',
      author: 'marie',
      reason: 'trop de signalements\tet plaintes',
    });
  } finally {
    seed.close();
  }
  expect((await cli(['gate', 'config', '--policy', 'fail-open', '--db', db])).code).toBe(0);
  expect((await cli(['gate', 'config', '--evidence-retention-years', '2', '--db', db])).code).toBe(2);
  const contacts = writeFile(dir, 'contacts.csv', 'phone\n0612345678\n0622222222\n');
  const scrub = await cli([
    'scrub',
    contacts,
    '--client',
    'ACME',
    '--at',
    '2026-11-24',
    '--out',
    join(dir, 'ok.csv'),
    '--excluded',
    join(dir, 'ko.csv'),
    '--db',
    db,
  ]);
  expect(scrub.code).toBe(0);
  const store = await openStore({ path: db, readOnly: true });
  lines = await loadEvidence(store);
  store.close();
});

describe('the evidence journal', () => {
  it('holds one entry per import, operator action, configuration change and scrub, chained', async () => {
    const kinds = lines.map((l) => l.line.split('\t')[2]);
    expect(kinds.filter((k) => k === 'registry.import')).toHaveLength(9);
    expect(kinds.slice(9)).toEqual(['number.action', 'gate.config', 'scrub']);
    const scrub = JSON.parse(lines.at(-1)?.line.split('\t')[6] ?? '{}') as Record<string, unknown>;
    expect(scrub).toMatchObject({ rows: 2, client: 'ACME', input: { file: 'contacts.csv' } });
    expect((scrub.registry as unknown[]).length).toBe(9);
    expect(verifyChain(lines).ok).toBe(true);
    const verify = await cli(['evidence', 'verify', '--db', db]);
    expect(verify.code).toBe(0);
    expect(verify.out).toMatch(/chaîne intacte : 12 entrées/);
  });

  it.each([1, 5, 11, 12])('altering, removing or reordering entry %i is detected and located', (k) => {
    const i = k - 1;
    const altered = lines.map((l, j) => (j === i ? { ...l, line: l.line.replace(/"(\w+)":/, '"$1x":') } : l));
    expect(verifyChain(altered).problems[0]).toMatchObject({ expectedSeq: k, problem: 'content' });
    // Content and its hash rewritten together: the stored hash, and the next entry's previous, disagree.
    const rewritten = altered.map((l, j) => (j === i ? { line: l.line, hash: l.hash } : l));
    expect(verifyChain(rewritten).problems[0]?.expectedSeq).toBe(k);
    const removed = lines.filter((_, j) => j !== i);
    const removal = verifyChain(removed);
    if (k < lines.length) expect(removal.problems[0]).toMatchObject({ expectedSeq: k, seq: k + 1 });
    // The last entry removed leaves a shorter, intact chain: only the head noted elsewhere shows it.
    else expect(removal.head).not.toBe(verifyChain(lines).head);
    if (k < lines.length) {
      const swapped = [...lines];
      [swapped[i], swapped[i + 1]] = [
        swapped[i + 1] as (typeof lines)[number],
        swapped[i] as (typeof lines)[number],
      ];
      expect(verifyChain(swapped).problems[0]).toMatchObject({ expectedSeq: k, seq: k + 1 });
    }
  });

  it('vigie evidence verify names the entry altered in the database', async () => {
    const copy = join(tempDir(), 'copy.duckdb');
    copyFileSync(db, copy);
    const store = await openStore({ path: copy });
    await store.run("UPDATE evidence_journal SET line = replace(line, 'ACME', 'ACNE') WHERE seq = 12");
    store.close();
    const verify = await cli(['evidence', 'verify', '--db', copy]);
    expect(verify.code).toBe(1);
    expect(verify.out).toMatch(/entry 12: content does not match/);
  });

  it('an export verifies with the documented procedure alone, and a tampered one does not', async () => {
    const out = join(dir, 'evidence.tsv');
    const exported = await cli([
      'evidence',
      'export',
      '--from',
      '2000-01-01',
      '--to',
      '2999-12-31',
      '--out',
      out,
      '--db',
      db,
    ]);
    expect(exported.code).toBe(0);
    expect(inspect(out)).toEqual({
      code: 0,
      out: expect.stringMatching(/^OK: chain intact, head [0-9a-f]{64}$/),
    });
    const text = readFileSync(out, 'utf8');
    const entries = text.split('\n');
    // The sixth line is entry 4.
    const tamper = (name: string, lines: string[]) => {
      const path = join(dir, name);
      writeFileSync(path, lines.join('\n'));
      return inspect(path);
    };
    expect(
      tamper(
        'altered.tsv',
        entries.map((l, i) => (i === 6 ? l.replace('"rowsRead"', '"rowsReax"') : l)),
      ),
    ).toMatchObject({
      code: 1,
      out: 'BROKEN at entry 4: content',
    });
    expect(
      tamper(
        'removed.tsv',
        entries.filter((_, i) => i !== 6),
      ),
    ).toMatchObject({ code: 1, out: 'BROKEN at entry 5: seq after 3' });
    const swapped = [...entries];
    [swapped[6], swapped[7]] = [swapped[7] ?? '', swapped[6] ?? ''];
    expect(tamper('swapped.tsv', swapped)).toMatchObject({ code: 1, out: 'BROKEN at entry 5: seq after 3' });
    expect(
      tamper(
        'truncated.tsv',
        entries.filter((_, i) => i !== entries.length - 3),
      ),
    ).toMatchObject({ code: 1, out: 'BROKEN: last entry is not the head' });
  });
});
