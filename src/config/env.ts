import { join } from 'node:path';

/** The environment Vigie reads, resolved once per entry point; nothing else reads `process.env`. */
export interface Environment {
  /** `--db` default: `VIGIE_DB`, else `.vigie/vigie.duckdb` in the working directory. */
  readonly defaultDb: string;
  readonly cwd: string;
  /** Whether standard output is a terminal (progress bars, tables) or a pipe (one line per file). */
  readonly interactive: boolean;
  /**
   * Whether standard error is a terminal (and not CI): long work draws its progress bar there, even
   * when standard output goes to a file (`vigie audit --format json > findings.json`).
   */
  readonly progress?: boolean;
  /** Where `vigie numbering update` keeps a newer ARCEP copy: `VIGIE_NUMBERING_DIR`, else ~/.vigie/numbering. */
  readonly numberingDir?: string;
  /** The organisation file (`VIGIE_CONFIG`), else `vigie.config.yaml|yml|json` in the working directory. */
  readonly organisationFile?: string;
  /** Debian's chromium for PDF reports: `CHROMIUM_PATH`, else `chromium` on the PATH. */
  readonly chromiumPath?: string;
  /** The PATH, to find `chromium` on it. */
  readonly path?: string;
}

export function readEnvironment(): Environment {
  const cwd = process.cwd();
  return {
    defaultDb: process.env.VIGIE_DB ?? join(cwd, '.vigie', 'vigie.duckdb'),
    cwd,
    interactive: Boolean(process.stdout.isTTY) && process.env.CI === undefined,
    progress: Boolean(process.stderr.isTTY) && process.env.CI === undefined,
    ...(process.env.VIGIE_NUMBERING_DIR ? { numberingDir: process.env.VIGIE_NUMBERING_DIR } : {}),
    ...(process.env.VIGIE_CONFIG ? { organisationFile: process.env.VIGIE_CONFIG } : {}),
    ...(process.env.CHROMIUM_PATH ? { chromiumPath: process.env.CHROMIUM_PATH } : {}),
    ...(process.env.PATH ? { path: process.env.PATH } : {}),
  };
}
