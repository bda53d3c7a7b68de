/** Error codes that every edge (CLI, HTTP) maps once: usage problems versus internal faults. */
export type VigieErrorCode =
  | 'USAGE'
  | 'NOT_FOUND'
  | 'VALIDATION'
  | 'INTERNAL'
  // The service layer's: who may do what, and requests the state refuses.
  | 'UNAUTHENTICATED'
  | 'BAD_CREDENTIALS'
  | 'FORBIDDEN'
  | 'CSRF'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'INVALID_NUMBER';

export class VigieError extends Error {
  readonly code: VigieErrorCode;

  constructor(code: VigieErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VigieError';
    this.code = code;
  }
}

/** A problem with what the user asked for: an unknown flag, an unreadable file, an undecidable format. */
export class UsageError extends VigieError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('USAGE', message, options);
    this.name = 'UsageError';
  }
}
