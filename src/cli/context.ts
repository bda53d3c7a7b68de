import type { Environment } from '../config/env.ts';

/** What every command receives: the environment and where to write. Tests pass their own. */
export interface CliContext {
  readonly env: Environment;
  readonly out: (text: string) => void;
  /**
   * Writes bytes as they are (no newline added), for output of hundreds of megabytes that would
   * otherwise be decoded into strings only to be encoded again. Commands fall back to `out` without it.
   */
  readonly outBytes?: (bytes: Uint8Array) => void;
  readonly err: (text: string) => void;
  /** All of standard input as text (`--password-stdin`); tests pass their own. */
  readonly readStdin?: () => Promise<string>;
  /** A line typed on the terminal without echo (a password), or undefined when stdin is not a terminal. */
  readonly askSecret?: (prompt: string) => Promise<string | undefined>;
  /** Sets the process exit code the command ends with (0, 3 for quarantined rows, 4 for a refused call…). */
  setExitCode(code: number): void;
}
