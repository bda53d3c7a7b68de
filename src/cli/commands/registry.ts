import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatRowError } from '../../registry/csv.ts';
import { REGISTRY_FILES, type RegistryFile } from '../../registry/model.ts';
import { importRegistryFile, listRegistryEvidence, type RegistryImport } from '../../registry/store.ts';
import { UsageError } from '../../shared/errors.ts';
import { openStore } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { dbOption } from '../db-option.ts';
import { count, renderTable, toJson } from '../format.ts';

type ImportFlags = { readonly registry?: string; readonly db: string; readonly json?: boolean } & {
  readonly append?: boolean;
} & Partial<Record<RegistryFile, string>>;

/** The files named by `--registry DIR` (those present) or by one flag per file. */
function registryPaths(flags: ImportFlags): [RegistryFile, string][] {
  const perFile = REGISTRY_FILES.flatMap((kind): [RegistryFile, string][] => {
    const path = flags[kind];
    return path === undefined ? [] : [[kind, path]];
  });
  if (flags.registry !== undefined && perFile.length > 0) {
    throw new UsageError('give either --registry DIR or one flag per registry file, not both');
  }
  if (flags.registry !== undefined) {
    const dir = flags.registry;
    if (!existsSync(dir)) throw new UsageError(`registry folder not found: ${dir}`);
    const found = REGISTRY_FILES.flatMap((kind): [RegistryFile, string][] => {
      const path = join(dir, `${kind}.csv`);
      return existsSync(path) ? [[kind, path]] : [];
    });
    if (found.length === 0)
      throw new UsageError(`no registry file (consents.csv, refusals.csv, …) in ${dir}`);
    return found;
  }
  if (perFile.length === 0) throw new UsageError('vigie registry import needs --registry DIR or a file flag');
  return perFile;
}

function describeImport(r: RegistryImport): string {
  const name = r.path.split(/[\\/]/).at(-1) ?? r.path;
  if (r.alreadyLoaded) {
    return `${r.kind} ${name} : déjà chargé, rien de nouveau (already loaded, sha256 ${r.sha256.slice(0, 12)}…)`;
  }
  return `${r.kind} ${name} : ${count(r.rowsRead)} lignes, ${count(r.stored)} enregistrées, ${count(r.rejected)} rejetées (sha256 ${r.sha256.slice(0, 12)}…)`;
}

export function registerRegistry(program: Command, ctx: CliContext): void {
  const registry = program.command('registry').description('the registry: consents, refusals, Bloctel, …');
  const importCommand = registry
    .command('import')
    .description('store registry files with their evidence (name, sha256, load time, row counts)')
    .option('--registry <dir>', 'registry folder (consents.csv, customers.csv, refusals.csv, …)');
  for (const kind of REGISTRY_FILES) importCommand.option(`--${kind} <file>`, `${kind}.csv file`);
  importCommand
    .option('--append', 'add the rows to those in force instead of replacing the previous file of each kind')
    .addOption(dbOption(ctx))
    .option('--json', 'one JSON object with a summary per file')
    .action(async (flags: ImportFlags) => {
      const paths = registryPaths(flags);
      const store = await openStore({ path: flags.db });
      const results: RegistryImport[] = [];
      try {
        for (const [kind, path] of paths) {
          const result = await importRegistryFile(store, kind, path, {
            mode: flags.append ? 'append' : 'replace',
            actor: userInfo().username,
          });
          results.push(result);
          if (!flags.json) {
            ctx.out(describeImport(result));
            const shown = result.errors.slice(0, 20);
            for (const error of shown) ctx.err(`vigie: ${formatRowError(error)}`);
            if (result.errors.length > shown.length)
              ctx.err(
                `vigie: … and ${result.errors.length - shown.length} more row errors (vigie quarantine)`,
              );
          }
          if (result.rejected > 0 || result.errors.length > 0) ctx.setExitCode(3);
        }
      } finally {
        store.close();
      }
      if (flags.json) {
        ctx.out(
          toJson({
            files: results.map((r) => ({
              kind: r.kind,
              path: r.path,
              sha256: r.sha256,
              bytes: r.bytes,
              rowsRead: r.rowsRead,
              stored: r.stored,
              rejected: r.rejected,
              alreadyLoaded: r.alreadyLoaded,
              errors: r.errors,
            })),
          }),
        );
      }
    });

  registry
    .command('list')
    .description('the registry files loaded, with their evidence')
    .addOption(dbOption(ctx))
    .option('--json', 'JSON array')
    .action(async (flags: { db: string; json?: boolean }) => {
      const store = await openStore({ path: flags.db, readOnly: true });
      try {
        const rows = await listRegistryEvidence(store);
        if (flags.json) {
          ctx.out(toJson(rows));
          return;
        }
        ctx.out(
          renderTable(
            ['kind', 'file', 'loaded at (UTC)', 'read', 'stored', 'rejected', 'sha256', 'in force'],
            rows.map((r) => [
              r.name,
              r.file_name,
              r.loaded_at.toISOString().slice(0, 19).replace('T', ' '),
              count(r.rows_read),
              count(r.stored),
              count(r.rejected),
              r.sha256.slice(0, 16),
              r.superseded_by === null ? 'yes' : `replaced by #${r.superseded_by}`,
            ]),
          ),
        );
      } finally {
        store.close();
      }
    });
}
