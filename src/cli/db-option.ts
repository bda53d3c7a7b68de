import { Option } from 'commander';
import type { CliContext } from './context.ts';

/** `--db PATH`, the database every command that stores or reads calls works on. */
export function dbOption(ctx: CliContext): Option {
  return new Option('--db <path>', 'DuckDB database file').default(
    ctx.env.defaultDb,
    'VIGIE_DB, else .vigie/vigie.duckdb',
  );
}
