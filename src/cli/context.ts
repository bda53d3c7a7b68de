import type { Environment } from '../config/env.ts';

/** What every command receives: the environment and where to write. Tests pass their own. */
export interface CliContext {
  readonly env: Environment;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Sets the process exit code the command ends with (0, 3 for quarantined rows, 4 for a refused call…). */
  setExitCode(code: number): void;
}
