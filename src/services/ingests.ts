/**
 * Ingests: call exports, spam reports and registry files, stored file by file (each atomic and
 * idempotent, as `vigie ingest`), then the reputation and alerts brought up to date; one `ingests` row
 * and one audit record per ingest.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { ingestFile } from '../ingest/calls.ts';
import type { FileSummary, IngestOptions, IngestProgress } from '../ingest/model.ts';
import { ingestReportFile } from '../ingest/reports.ts';
import { CALL_FORMATS } from '../records/model.ts';
import { REGISTRY_FILES, type RegistryFile } from '../registry/model.ts';
import { importRegistryFile } from '../registry/store.ts';
import { updateReputation } from '../reputation/service.ts';
import { VigieError } from '../shared/errors.ts';
import { insertAuditRecord } from './audit-log.ts';
import { type QuarantineJson, quarantineRows } from './calls.ts';
import { exclusive, requireOperator, requireReader, type ServiceContext } from './context.ts';
import { notFound, ServiceError } from './errors.ts';
import { nameField, type Page, pageFields, paginate, validate } from './input.ts';

export const INGEST_KINDS = ['calls', 'reports', 'registry'] as const;
export type IngestKind = (typeof INGEST_KINDS)[number];

export const IngestFields = z.object({
  kind: z.enum(INGEST_KINDS),
  provider: nameField.optional(),
  client: nameField.optional(),
  campaign: nameField.optional(),
  site: nameField.optional(),
  format: z.enum(['auto', ...CALL_FORMATS]).optional(),
  timezone: z.string().min(1).max(60).optional(),
});
export type IngestFields = z.input<typeof IngestFields>;

export interface IngestFileJson {
  readonly name: string;
  readonly format: string | null;
  readonly encoding: string | null;
  readonly rows: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly quarantined: number;
  readonly merged: number;
  readonly alreadyIngested: boolean;
  readonly sourceFileId: number | null;
  readonly error: string | null;
}

export interface IngestJson {
  readonly id: number;
  readonly kind: IngestKind;
  readonly status: 'done' | 'failed';
  readonly createdAt: string;
  readonly finishedAt: string;
  readonly by: string;
  readonly files: readonly IngestFileJson[];
  readonly quarantined: number;
}

export interface IngestInputFile {
  /** The name shown (the uploaded file's name). */
  readonly name: string;
  readonly path: string;
  /** Options of this file (a folder's vigie-source.json at the CLI); the fields' win. */
  readonly options?: IngestOptions;
}

/** A registry file is named by its kind: `consents.csv`, `dnc-2026-11.csv`, … */
export function registryKindOf(name: string): RegistryFile | undefined {
  const base = name.toLowerCase().replace(/^.*[\\/]/, '');
  return REGISTRY_FILES.find(
    (k) =>
      base === `${k}.csv` || base.startsWith(`${k}-`) || base.startsWith(`${k}_`) || base.startsWith(`${k}.`),
  );
}

function fromSummary(name: string, s: FileSummary, id: number | null): IngestFileJson {
  return {
    name,
    format: s.format,
    encoding: s.encoding,
    rows: s.rows,
    stored: s.stored,
    duplicates: s.duplicates,
    quarantined: s.quarantined,
    merged: s.merged,
    alreadyIngested: s.alreadyIngested,
    sourceFileId: id,
    error: null,
  };
}

async function sourceFileId(ctx: ServiceContext, path: string, kind: string): Promise<number | null> {
  const row = await ctx.store.one<{ id: number }>(
    'SELECT max(id) AS id FROM source_files WHERE path = $1 AND kind = $2',
    [resolve(path), kind],
  );
  return row?.id ?? null;
}

async function ingestOne(
  ctx: ServiceContext,
  kind: IngestKind,
  file: IngestInputFile,
  options: IngestOptions,
): Promise<IngestFileJson> {
  if (kind === 'calls') {
    const summary = await ingestFile(ctx.store, file.path, { ...file.options, ...options });
    return fromSummary(file.name, summary, await sourceFileId(ctx, file.path, 'calls'));
  }
  if (kind === 'reports') {
    const timezone = options.timezone ?? file.options?.timezone;
    const summary = await ingestReportFile(ctx.store, file.path, timezone === undefined ? {} : { timezone });
    return fromSummary(file.name, summary, await sourceFileId(ctx, file.path, 'reports'));
  }
  const registry = registryKindOf(file.name);
  if (registry === undefined)
    throw new ServiceError(
      'VALIDATION',
      `${file.name} : un fichier de registre porte le nom de son type (${REGISTRY_FILES.map((k) => `${k}.csv`).join(', ')})`,
      `${file.name}: a registry file is named by its kind (${REGISTRY_FILES.map((k) => `${k}.csv`).join(', ')})`,
    );
  const result = await importRegistryFile(ctx.store, registry, file.path, { now: ctx.clock() });
  return {
    name: file.name,
    format: registry,
    encoding: null,
    rows: result.rowsRead,
    stored: result.stored,
    duplicates: 0,
    quarantined: result.rejected,
    merged: 0,
    alreadyIngested: result.alreadyLoaded,
    sourceFileId: result.sourceFileId,
    error: null,
  };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * `vigie ingest` and `POST /api/v1/ingests`. A file that cannot be read is reported (`error`) and the
 * others are still stored; with `stopOnError` (the CLI) the first such error is thrown instead.
 */
export async function ingestFiles(
  ctx: ServiceContext,
  fields: IngestFields,
  files: readonly IngestInputFile[],
  hooks: {
    stopOnError?: boolean;
    onProgress?: (file: IngestInputFile, progress: IngestProgress) => void;
    onFile?: (file: IngestFileJson) => void;
  } = {},
): Promise<IngestJson> {
  requireOperator(ctx);
  const input = validate(IngestFields, fields);
  if (files.length === 0)
    throw new ServiceError('VALIDATION', 'aucun fichier envoyé', 'no file sent', {
      issues: [{ path: 'files', message: 'at least one file' }],
    });
  const { kind, ...rest } = input;
  const options = Object.fromEntries(
    Object.entries(rest).filter(([, v]) => v !== undefined),
  ) as IngestOptions;
  return exclusive(
    ctx,
    async () => {
      const createdAt = ctx.clock();
      const done: IngestFileJson[] = [];
      for (const file of files) {
        try {
          const progress = hooks.onProgress;
          const summary = await ingestOne(
            ctx,
            kind,
            file,
            progress === undefined ? options : { ...options, onProgress: (p) => progress(file, p) },
          );
          done.push(summary);
          hooks.onFile?.(summary);
        } catch (error) {
          if (hooks.stopOnError === true || !(error instanceof VigieError) || error.code === 'INTERNAL')
            throw error;
          done.push({
            name: file.name,
            format: null,
            encoding: null,
            rows: 0,
            stored: 0,
            duplicates: 0,
            quarantined: 0,
            merged: 0,
            alreadyIngested: false,
            sourceFileId: null,
            error: messageOf(error).replaceAll(file.path, file.name),
          });
        }
      }
      await updateReputation(ctx.store, { config: ctx.config.reputation, now: ctx.clock() });
      const finishedAt = ctx.clock();
      const status = done.some((f) => f.error !== null) ? 'failed' : 'done';
      return ctx.store.transaction(async () => {
        const row = await ctx.store.one<{ id: number }>(
          `INSERT INTO ingests (kind, status, created_at, finished_at, created_by, files)
         VALUES ($1, $2, $3::TIMESTAMPTZ, $4::TIMESTAMPTZ, $5, $6) RETURNING id`,
          [
            kind,
            status,
            createdAt.toISOString(),
            finishedAt.toISOString(),
            ctx.actor.name,
            JSON.stringify(done),
          ],
        );
        const id = row?.id ?? 0;
        await insertAuditRecord(ctx.store, {
          at: finishedAt,
          actor: ctx.actor,
          action: 'ingest.create',
          target: String(id),
          outcome: status === 'done' ? 'ok' : 'failed',
          detail: { kind, files: done.map((f) => f.name) },
        });
        return {
          id,
          kind,
          status,
          createdAt: createdAt.toISOString(),
          finishedAt: finishedAt.toISOString(),
          by: ctx.actor.name,
          files: done,
          quarantined: done.reduce((n, f) => n + f.quarantined, 0),
        } satisfies IngestJson;
      });
    },
    'ingest',
  );
}

function toIngest(r: Record<string, unknown>): IngestJson {
  const files = JSON.parse(String(r.files)) as IngestFileJson[];
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));
  return {
    id: Number(r.id),
    kind: String(r.kind) as IngestKind,
    status: String(r.status) === 'failed' ? 'failed' : 'done',
    createdAt: iso(r.created_at),
    finishedAt: iso(r.finished_at),
    by: String(r.created_by),
    files,
    quarantined: files.reduce((n, f) => n + f.quarantined, 0),
  };
}

/** A provider user sees the ingests it made itself; admins and analysts see every one. */
function ingestVisible(ctx: ServiceContext, i: IngestJson): boolean {
  return ctx.actor.provider === null || i.by === ctx.actor.name;
}

export const IngestsQuery = z.object({ ...pageFields(1000, 100) });

export async function listIngests(
  ctx: ServiceContext,
  input: z.input<typeof IngestsQuery> = {},
): Promise<Page<IngestJson>> {
  requireReader(ctx);
  const q = validate(IngestsQuery, input);
  const rows = await ctx.reader.all('SELECT * FROM ingests ORDER BY id DESC');
  return paginate(
    rows.map(toIngest).filter((i) => ingestVisible(ctx, i)),
    q.limit,
    q.cursor,
  );
}

export async function getIngest(
  ctx: ServiceContext,
  rawId: unknown,
): Promise<IngestJson & { quarantine: QuarantineJson[] }> {
  requireReader(ctx);
  const id = validate(z.coerce.number().int().min(1).max(2_147_483_647), rawId);
  const row = await ctx.reader.one('SELECT * FROM ingests WHERE id = $1', [id]);
  const ingest = row === undefined ? undefined : toIngest(row);
  if (ingest === undefined || !ingestVisible(ctx, ingest))
    throw notFound(`import ${id} introuvable`, `unknown ingest ${id}`);
  const ids = ingest.files.map((f) => f.sourceFileId).filter((x): x is number => x !== null);
  return { ...ingest, quarantine: (await quarantineRows(ctx, undefined, ids)).slice(0, 1000) };
}
