// Benchmark of issue 10, the pre-dial gate, side by side in one run:
// 1. the large client's registry in the gate's compact indexes (10M consents, 1M refusals, an
//    11M-number Bloctel result, 1M contacts' postcodes), generated here: memory of the indexes;
// 2. single decisions in process, one core (goal ≥ 1,000,000 a second);
// 3. `vigie scrub` of 5M contacts against an 11M-number do-not-call list, with the reasons, against
//    DuckDB's own anti-join of the same two files (goal ≤ 1.5×) and `sort | comm` (goal: faster).
// The HTTP part (autocannon against `vigie serve` and a bare node:http server) lands with the server:
// see `benchHttp` below, the hook it plugs into.
// Usage: npm run bench -- gate [contacts]   (default 5,000,000)
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { lawFacts } from '../src/cli/commands/law-options.ts';
import { keyNumber } from '../src/gate/compact.ts';
import { blockDescribe } from '../src/gate/describe-cache.ts';
import { GateEngine, type GateQuestion } from '../src/gate/engine.ts';
import { CompactTableBuilder, GateRegistry, tableOf } from '../src/gate/registry.ts';
import { scrubFile } from '../src/gate/scrub.ts';
import { DEFAULT_RULES } from '../src/law/rules.ts';
import type { Consultation } from '../src/registry/model.ts';
import { EMPTY_REGISTRY } from '../src/registry/model.ts';
import { RegistryIndex } from '../src/registry/registry-index.ts';
import { DEFAULT_CONFIG } from '../src/reputation/model.ts';

const CONSENTS = 10_000_000;
const REFUSALS = 1_000_000;
const BLOCTEL = 11_000_000;
const CONTACTS = 1_000_000;
const DECISIONS = 2_000_000;
/** Mobile keys 6xxxxxxxx and 7xxxxxxxx: 200M numbers the lists are spread over. */
const FIRST = 600_000_000;
const MB = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
const ms = (t: number) => `${(t / 1000).toFixed(2)} s`;
const GRANTED = Date.parse('2026-09-01T08:00:00Z');
const CONSULTED = Date.parse('2026-07-01T08:00:00Z');

function time<T>(label: string, work: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = work();
  const elapsed = performance.now() - start;
  process.stdout.write(`${label}: ${ms(elapsed)}\n`);
  return { value, ms: elapsed };
}

/** The large client's registry, straight into the compact columns (sorted keys, as DuckDB streams them). */
function largeRegistry(): GateRegistry {
  const consents = new CompactTableBuilder('consents', CONSENTS);
  for (let i = 0; i < CONSENTS; i++)
    consents.pushKey(FIRST + i * 20, {
      number: '',
      file: 'consents.csv',
      line: i + 2,
      grantedAt: GRANTED + (i % 86_400) * 1000,
      client: 'ACME',
      scope: '*',
      source: 'web',
      proof: null,
      revokedAt: i % 50 === 0 ? GRANTED + 86_400_000 : null,
      slotFrom: null,
      slotTo: null,
    });
  const refusals = new CompactTableBuilder('refusals', REFUSALS);
  for (let i = 0; i < REFUSALS; i++)
    refusals.pushKey(FIRST + i * 200 + 40, {
      number: '',
      file: 'refusals.csv',
      line: i + 2,
      refusedAt: GRANTED,
      client: null,
    });
  const bloctel = new CompactTableBuilder('bloctel', BLOCTEL);
  for (let i = 0; i < BLOCTEL; i++)
    bloctel.pushKey(FIRST + i * 18 + 7, {
      number: '',
      file: 'bloctel.csv',
      line: i + 2,
      consultedAt: CONSULTED,
      client: null,
    });
  const contacts = new CompactTableBuilder('contacts', CONTACTS);
  for (let i = 0; i < CONTACTS; i++)
    contacts.pushKey(FIRST + i * 200, {
      number: '',
      file: 'contacts.csv',
      line: i + 2,
      type: 'consumer',
      postcode: String(10_000 + (i % 85_000)).padStart(5, '0'),
    });
  const consultation: Consultation = {
    file: 'consultations.csv',
    line: 2,
    client: 'ACME',
    consultedAt: CONSULTED,
    numbersSubmitted: BLOCTEL,
  };
  return new GateRegistry(
    {
      consents: consents.build(),
      customers: tableOf('customers', []),
      refusals: refusals.build(),
      dnc: tableOf('dnc', []),
      bloctel: bloctel.build(),
      contacts: contacts.build(),
    },
    { ...EMPTY_REGISTRY, consultations: [consultation] },
  );
}

function engineOver(registry: GateRegistry): GateEngine {
  const env = { defaultDb: '', cwd: process.cwd(), interactive: false };
  return new GateEngine({
    registry,
    facts: { registry, describe: blockDescribe(lawFacts(env, new RegistryIndex(), false).describe) },
    rules: DEFAULT_RULES,
    reputation: { ...DEFAULT_CONFIG, defaults: { ...DEFAULT_CONFIG.defaults, dailyCap: 1e12 } },
  });
}

function benchDecisions(engine: GateEngine): void {
  // Callees over the whole range (consented, refused, listed, unknown), two caller IDs, at two times:
  // after the opt-in date (consents), before it (Bloctel).
  const questions: GateQuestion[] = [];
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  for (let i = 0; i < 100_000; i++) {
    const key = FIRST + (next() % (CONSENTS * 20));
    questions.push({
      caller: i % 2 === 0 ? '+33162000000' : '+33948123456',
      callee: keyNumber(key),
      at:
        i % 4 === 0
          ? Date.parse('2026-07-15T10:15:00+02:00')
          : Date.parse('2026-11-24T10:15:00+01:00') + (i % 3600) * 1000,
      client: 'ACME',
      campaign: null,
      purpose: 'prospecting',
      provider: 'p1',
    });
  }
  let allowed = 0;
  for (const q of questions) if (engine.decide(q).allowed) allowed++;
  const start = performance.now();
  let n = 0;
  while (n < DECISIONS) {
    for (const q of questions) if (engine.decide(q).allowed) allowed++;
    n += questions.length;
  }
  const elapsed = performance.now() - start;
  const rate = (n / elapsed) * 1000;
  process.stdout.write(
    `single decisions in process, one core: ${Math.round(rate).toLocaleString('fr-FR')} /s (${n.toLocaleString('fr-FR')} in ${ms(elapsed)}, ${((allowed / (n + questions.length)) * 100).toFixed(1)} % allowed); goal ≥ 1 000 000 /s: ratio ${(rate / 1_000_000).toFixed(2)}\n`,
  );
}

/** Writes `rows` lines made by `line(i)` to `path`, in pieces of a megabyte. */
function writeLines(path: string, header: string, rows: number, line: (i: number) => string): void {
  const fd = openSync(path, 'w');
  let chunk = `${header}\n`;
  for (let i = 0; i < rows; i++) {
    chunk += `${line(i)}\n`;
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
}

async function benchScrub(contacts: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-gate-'));
  try {
    const national = (key: number) => `0${key}`;
    const listFile = join(dir, 'dnc.csv');
    const contactsFile = join(dir, 'contacts.csv');
    // The list: 11M numbers, every 18th mobile; the contacts: 5M numbers, random, about 1 in 18 listed.
    writeLines(listFile, 'number', BLOCTEL, (i) => national(FIRST + i * 18 + 7));
    let seed = 99;
    const keys = new Uint32Array(contacts);
    for (let i = 0; i < contacts; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      keys[i] = FIRST + (seed % (BLOCTEL * 18));
    }
    writeLines(contactsFile, 'id,phone', contacts, (i) => `${i},${national(keys[i] ?? 0)}`);

    const dnc = time('do-not-call list of 11M numbers into the compact index', () => {
      const b = new CompactTableBuilder('dnc', BLOCTEL);
      for (let i = 0; i < BLOCTEL; i++)
        b.pushKey(FIRST + i * 18 + 7, {
          number: '',
          file: 'dnc.csv',
          line: i + 2,
          addedAt: null,
          reason: null,
        });
      return b.build();
    });
    const registry = GateRegistry.fromData(EMPTY_REGISTRY);
    registry.replaceTable('dnc', dnc.value);
    process.stdout.write(`  its memory: ${MB(dnc.value.bytes)}\n`);
    const engine = engineOver(registry);
    registry.knowsNothingOf(0);
    const at = Date.parse('2026-11-24T10:15:00+01:00');
    const scrub = time(`vigie scrub of ${contacts.toLocaleString('fr-FR')} contacts (reasons included)`, () =>
      scrubFile(engine, {
        input: contactsFile,
        out: join(dir, 'callable.csv'),
        excluded: join(dir, 'excluded.csv'),
        client: 'ACME',
        campaign: null,
        at,
      }),
    );
    process.stdout.write(
      `  ${scrub.value.callable} callable, ${scrub.value.excluded} excluded ${JSON.stringify(scrub.value.byRule)}\n`,
    );

    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    const duckStart = performance.now();
    await connection.run(
      `COPY (SELECT c.* FROM read_csv('${contactsFile}', header = true, all_varchar = true) c
             ANTI JOIN read_csv('${listFile}', header = true, all_varchar = true) l ON c.phone = l.number)
       TO '${join(dir, 'duck.csv')}' (HEADER)`,
    );
    const duck = performance.now() - duckStart;
    connection.closeSync();
    instance.closeSync();
    process.stdout.write(`DuckDB anti-join of the same two files, one thread (no reasons): ${ms(duck)}\n`);
    const instance2 = await DuckDBInstance.create(':memory:');
    const c2 = await instance2.connect();
    const duck2Start = performance.now();
    await c2.run(
      `COPY (SELECT c.* FROM read_csv('${contactsFile}', header = true, all_varchar = true) c
             ANTI JOIN read_csv('${listFile}', header = true, all_varchar = true) l ON c.phone = l.number)
       TO '${join(dir, 'duck2.csv')}' (HEADER)`,
    );
    const duck2 = performance.now() - duck2Start;
    c2.closeSync();
    instance2.closeSync();
    process.stdout.write(`DuckDB anti-join, all threads: ${ms(duck2)}\n`);
    const shell = `export LC_ALL=C; tail -n +2 '${listFile}' | sort -u > '${dir}/l.sorted'; tail -n +2 '${contactsFile}' | cut -d, -f2 | sort > '${dir}/c.sorted'; comm -23 '${dir}/c.sorted' '${dir}/l.sorted' > '${dir}/comm.out'`;
    const commStart = performance.now();
    spawnSync('bash', ['-c', shell], { stdio: 'inherit' });
    const comm = performance.now() - commStart;
    process.stdout.write(`sort | comm, sorting included (no reasons): ${ms(comm)}\n`);
    process.stdout.write(
      `ratios: scrub / DuckDB one thread ${(scrub.ms / duck).toFixed(2)} (goal ≤ 1.5), scrub / DuckDB all threads ${(scrub.ms / duck2).toFixed(2)}, scrub / sort|comm ${(scrub.ms / comm).toFixed(2)} (goal < 1)\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The HTTP part (issue 10): autocannon in a second process against `vigie serve` (POST /api/v1/decisions,
 * single and batch, one instance and two behind Redis) and against a bare node:http server answering
 * a precomputed JSON, same run. Plugs in once src/http/routes/gate.ts exists.
 */
async function benchHttp(): Promise<void> {
  process.stdout.write(
    'HTTP: not measured yet — waits for `vigie serve` (issue 9) and src/http/routes/gate.ts\n',
  );
}

export async function benchGate(contacts: number): Promise<void> {
  process.stdout.write(`load ${loadavg()[0]?.toFixed(2) ?? '?'}\n`);
  const heapBefore = process.memoryUsage();
  const registry = time('large registry into the compact indexes', largeRegistry).value;
  let total = 0;
  for (const [kind, size] of Object.entries(registry.sizes())) {
    total += size.bytes;
    process.stdout.write(
      `  ${kind.padEnd(10)} ${size.rows.toLocaleString('fr-FR').padStart(12)} rows ${MB(size.bytes).padStart(10)}\n`,
    );
  }
  const heapAfter = process.memoryUsage();
  process.stdout.write(
    `  indexes: ${MB(total)} (goal well under 200 MB); process growth: ${MB(heapAfter.rss - heapBefore.rss)} RSS, ${MB(heapAfter.arrayBuffers - heapBefore.arrayBuffers)} in array buffers\n`,
  );
  benchDecisions(engineOver(registry));
  await benchScrub(contacts);
  await benchHttp();
}
