import { VigieError, type VigieErrorCode } from '../shared/errors.ts';

export interface Issue {
  readonly path: string;
  readonly message: string;
}

/**
 * A service refusal with its message in both languages: the HTTP edge picks one by `Accept-Language`,
 * the CLI prints both. `retryAfterSeconds` for RATE_LIMITED; `issues` for VALIDATION.
 */
export class ServiceError extends VigieError {
  readonly fr: string;
  readonly en: string;
  readonly issues: readonly Issue[];
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: VigieErrorCode,
    fr: string,
    en: string,
    options: { issues?: readonly Issue[]; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(code, fr === en ? fr : `${fr} / ${en}`, { cause: options.cause });
    this.name = 'ServiceError';
    this.fr = fr;
    this.en = en;
    this.issues = options.issues ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const notFound = (fr: string, en: string) => new ServiceError('NOT_FOUND', fr, en);

export const forbidden = () =>
  new ServiceError('FORBIDDEN', 'votre rôle ne permet pas cette action', 'your role does not allow this');
