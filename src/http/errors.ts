/** Every error of the HTTP edge, mapped once: `{"error":{"code","message"}}`, the right status, no stack. */
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError } from '../services/errors.ts';
import { VigieError, type VigieErrorCode } from '../shared/errors.ts';

export type Language = 'fr' | 'en';

/** The language of `Accept-Language`: English when it is preferred to French, else French. */
export function languageOf(header: string | undefined): Language {
  if (header === undefined) return 'fr';
  const tags = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q.slice(2)) || 0 };
    })
    .filter((t) => t.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const t of tags) {
    if (t.tag.startsWith('fr')) return 'fr';
    if (t.tag.startsWith('en')) return 'en';
  }
  return 'fr';
}

export const STATUS_OF: Readonly<Record<string, number>> = {
  VALIDATION: 400,
  INVALID_NUMBER: 400,
  USAGE: 400,
  UNAUTHENTICATED: 401,
  BAD_CREDENTIALS: 401,
  FORBIDDEN: 403,
  CSRF: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  DB_UNAVAILABLE: 503,
};

/** An error the edge raises itself (not the service's): a code of the table above and both messages. */
export class HttpError extends Error {
  readonly code: string;
  readonly fr: string;
  readonly en: string;

  constructor(code: string, fr: string, en: string) {
    super(en);
    this.code = code;
    this.fr = fr;
    this.en = en;
  }
}

const FASTIFY_CODES: Readonly<Record<string, [string, string, string]>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    'UNSUPPORTED_MEDIA_TYPE',
    'type de contenu non pris en charge',
    'unsupported content type',
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 'requête trop volumineuse', 'request too large'],
  FST_REQ_FILE_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 'fichier trop volumineux', 'file too large'],
  FST_FILES_LIMIT: ['PAYLOAD_TOO_LARGE', 'trop de fichiers', 'too many files'],
  FST_PARTS_LIMIT: ['PAYLOAD_TOO_LARGE', 'trop de parties', 'too many parts'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['VALIDATION', 'corps JSON vide', 'empty JSON body'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['VALIDATION', 'corps JSON illisible', 'unreadable JSON body'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: [
    'UNSUPPORTED_MEDIA_TYPE',
    'un envoi multipart/form-data est attendu',
    'expected multipart/form-data',
  ],
};

interface Mapped {
  readonly status: number;
  readonly body: { error: { code: string; message: string; issues?: readonly unknown[] } };
  readonly retryAfter?: number;
}

const codeOf = (code: VigieErrorCode | string) => (code in STATUS_OF ? code : 'INTERNAL');

/** What to answer for `error`; internal faults get an id that the server's log names with the stack. */
export function mapError(
  error: unknown,
  language: Language,
  log: (id: string, error: unknown) => void,
): Mapped {
  const pick = (fr: string, en: string) => (language === 'en' ? en : fr);
  if (error instanceof ServiceError) {
    const code = codeOf(error.code);
    if (code === 'INTERNAL') return internal(error, language, log);
    return {
      status: STATUS_OF[code] ?? 500,
      body: {
        error: {
          code,
          message: pick(error.fr, error.en),
          ...(error.issues.length > 0 ? { issues: error.issues } : {}),
        },
      },
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfter: error.retryAfterSeconds }),
    };
  }
  if (error instanceof HttpError)
    return {
      status: STATUS_OF[error.code] ?? 500,
      body: { error: { code: error.code, message: pick(error.fr, error.en) } },
    };
  if (error instanceof VigieError && error.code !== 'INTERNAL') {
    const code = codeOf(error.code);
    // Messages of the core are one line, French then English when both are given (`fr / en`).
    const [fr, en] = error.message.includes(' / ')
      ? error.message.split(' / ', 2)
      : [error.message, error.message];
    return { status: STATUS_OF[code] ?? 400, body: { error: { code, message: pick(fr ?? '', en ?? '') } } };
  }
  const fastify = error as { code?: unknown; statusCode?: unknown };
  if (typeof fastify.code === 'string') {
    const known = FASTIFY_CODES[fastify.code];
    if (known !== undefined)
      return {
        status: STATUS_OF[known[0]] ?? 400,
        body: { error: { code: known[0], message: pick(known[1], known[2]) } },
      };
  }
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500)
    return {
      status: fastify.statusCode,
      body: { error: { code: 'VALIDATION', message: pick('requête invalide', 'bad request') } },
    };
  return internal(error, language, log);
}

function internal(error: unknown, language: Language, log: (id: string, error: unknown) => void): Mapped {
  const id = randomUUID();
  log(id, error);
  return {
    status: 500,
    body: {
      error: {
        code: 'INTERNAL',
        message:
          language === 'en'
            ? `internal error (reference ${id}, in the server's log)`
            : `erreur interne (référence ${id}, dans le journal du serveur)`,
      },
    },
  };
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const mapped = mapError(error, languageOf(request.headers['accept-language']), (id, e) =>
    request.log.error({ err: e, reference: id }, 'internal error'),
  );
  if (mapped.retryAfter !== undefined) reply.header('retry-after', String(mapped.retryAfter));
  return reply.code(mapped.status).type('application/json; charset=utf-8').send(mapped.body);
}
