import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { VigieError } from '../shared/errors.ts';

export type SqlParams = DuckDBValue[] | Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

export interface StoreOptions {
  /** A file path, or ':memory:' for a throw-away store (tests, `audit --calls`). */
  readonly path: string;
  /** Commands that only read open the database read-only, so that they never block a writer's file. */
  readonly readOnly?: boolean;
  /** DuckDB's buffer limit; ingest keeps its peak memory under 1 GB with the default. */
  readonly memoryLimit?: string;
  /**
   * Where DuckDB spills what does not fit in memory. Default: for a read-only store, a folder of its
   * own under the system's temporary folder, removed on close; for the one writer, DuckDB's `<db>.tmp`.
   * Readers that sort at the same time (an audit's worker threads, two audits) need one each: DuckDB
   * names its temporary files alike, and instances sharing a folder overwrite each other's.
   */
  readonly tempDirectory?: string;
}

/** The DuckDB edge: one instance, one connection, migrations applied on open. */
export interface Store {
  readonly path: string;
  readonly readOnly: boolean;
  readonly connection: DuckDBConnection;
  run(sql: string, params?: SqlParams): Promise<void>;
  all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  one<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T | undefined>;
  /** Runs `work` in one transaction: all of it is committed, or none of it (crash included). */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** Another connection to the same database, for a second result streamed alongside (closed with the store). */
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export function listMigrations(): Migration[] {
  return readdirSync(migrationsDir)
    .filter((name) => /^\d{3}_.+\.sql$/.test(name))
    .sort()
    .map((name) => ({
      version: Number(name.slice(0, 3)),
      name,
      sql: readFileSync(join(migrationsDir, name), 'utf8'),
    }));
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const inMemory = options.path === ':memory:';
  const readOnly = Boolean(options.readOnly) && !inMemory;
  if (!inMemory && !readOnly) mkdirSync(dirname(options.path), { recursive: true });
  const config: Record<string, string> = { memory_limit: options.memoryLimit ?? '700MB' };
  if (readOnly) config.access_mode = 'READ_ONLY';
  const spill =
    options.tempDirectory === undefined && readOnly
      ? mkdtempSync(join(tmpdir(), 'vigie-duckdb-'))
      : undefined;
  const removeSpill = () => {
    if (spill !== undefined) rmSync(spill, { recursive: true, force: true });
  };
  const tempDirectory = options.tempDirectory ?? spill;
  if (tempDirectory !== undefined) config.temp_directory = tempDirectory;
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(options.path, config);
  } catch (error) {
    removeSpill();
    if (/lock/i.test(messageOf(error)))
      throw new VigieError(
        'USAGE',
        `la base ${options.path} est ouverte par un autre processus (vigie serve ?) : importez par le tableau de bord (Imports) ou l'API POST /api/v1/ingests, ou arrêtez le serveur / database ${options.path} is open in another process (vigie serve?): ingest through the dashboard or the API, or stop the server (${messageOf(error)})`,
        { cause: error },
      );
    throw new VigieError('USAGE', `cannot open database ${options.path}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  const connection = await instance.connect();
  const store = makeStore(options.path, readOnly, instance, connection, removeSpill);
  try {
    // Times are stored and compared in UTC; each rule converts to the callee's zone where it applies.
    await connection.run("SET TimeZone = 'UTC'");
    if (readOnly) await checkSchema(store);
    else await migrate(store);
  } catch (error) {
    store.close();
    throw error;
  }
  return store;
}

function makeStore(
  path: string,
  readOnly: boolean,
  instance: DuckDBInstance,
  connection: DuckDBConnection,
  onClose: () => void,
): Store {
  const all = async <T extends Row>(sql: string, params?: SqlParams): Promise<T[]> => {
    const reader = await connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS() as T[];
  };
  const others: DuckDBConnection[] = [];
  let depth = 0;
  const outermost = async <T>(work: () => Promise<T>): Promise<T> => {
    await connection.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await connection.run('COMMIT');
      return result;
    } catch (error) {
      await connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  };
  return {
    path,
    readOnly,
    connection,
    async run(sql, params) {
      await connection.run(sql, params);
    },
    all,
    async one<T extends Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
      const rows: T[] = await all<T>(sql, params);
      return rows[0];
    },
    async transaction<T>(work: () => Promise<T>): Promise<T> {
      // Re-entrant: a transaction opened inside another joins it (DuckDB has no nested transactions),
      // so that a service can write an action, its audit record and what follows from it as one.
      if (depth > 0) {
        depth++;
        try {
          return await work();
        } finally {
          depth--;
        }
      }
      depth = 1;
      try {
        return await outermost(work);
      } finally {
        depth = 0;
      }
    },
    async connect() {
      const other = await instance.connect();
      others.push(other);
      await other.run("SET TimeZone = 'UTC'");
      return other;
    },
    close() {
      for (const other of others) other.closeSync();
      connection.closeSync();
      instance.closeSync();
      onClose();
    },
  };
}

/** Applies the numbered migrations not yet recorded in `schema_migrations`, each in its own transaction. */
export async function migrate(store: Store): Promise<number[]> {
  await store.run(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)',
  );
  const done = new Set(
    (await store.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  const applied: number[] = [];
  for (const migration of listMigrations()) {
    if (done.has(migration.version)) continue;
    await store.transaction(async () => {
      await store.run(migration.sql);
      await store.run('INSERT INTO schema_migrations VALUES ($1, $2, now())', [
        migration.version,
        migration.name,
      ]);
    });
    applied.push(migration.version);
  }
  return applied;
}

async function checkSchema(store: Store): Promise<void> {
  const latest = listMigrations().at(-1)?.version ?? 0;
  const row = await store
    .one<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations')
    .catch(() => undefined);
  if ((row?.v ?? 0) < latest) {
    throw new VigieError(
      'USAGE',
      `database ${store.path} is empty or from an older version; run \`vigie ingest\` (or \`vigie migrate\`) first`,
    );
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
