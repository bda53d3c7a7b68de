/** The dashboard's client of `/api/v1` (docs/api.md): JSON, the session cookie, the CSRF header. */
import { lang } from './i18n.ts';

export interface User {
  readonly email: string | null;
  readonly role: 'admin' | 'analyst' | 'provider' | 'dialer';
  readonly client: string | null;
  readonly provider: string | null;
}

export interface Session {
  readonly user: User;
  readonly csrfToken: string | null;
}

export interface List<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** An answer of the API that is not 2xx, or no answer at all (`NETWORK`). */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: () => void = () => {};

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

type Query = Record<string, string | number | undefined | null>;

export function apiUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `/api/v1${path}${search === '' ? '' : `?${search}`}`;
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    return new ApiError(
      body.error?.code ?? `HTTP_${response.status}`,
      body.error?.message ?? response.statusText,
      response.status,
    );
  } catch {
    return new ApiError(`HTTP_${response.status}`, response.statusText, response.status);
  }
}

export async function request<T>(
  method: string,
  path: string,
  options: { query?: Query; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': lang() };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch {
    throw new ApiError('NETWORK', 'network', 0);
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (error.code === 'UNAUTHENTICATED' && path !== '/session') onUnauthenticated();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const get = <T>(path: string, query?: Query): Promise<T> =>
  request<T>('GET', path, query === undefined ? {} : { query });
export const post = <T>(path: string, body: unknown): Promise<T> => request<T>('POST', path, { body });

/** Every page of a list (for tables the dashboard shows whole), at most `max` items. */
export async function getAll<T>(path: string, query: Query = {}, max = 20_000): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: List<T> = await get<List<T>>(path, { ...query, ...(cursor === null ? {} : { cursor }) });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < max);
  return items;
}

/**
 * Sends a multipart form with XMLHttpRequest, whose upload events give the progress that fetch does
 * not (fetch has no upload progress in browsers yet).
 */
export function upload<T>(
  path: string,
  form: FormData,
  onProgress: (sent: number, total: number) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl(path));
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('accept-language', lang());
    if (csrfToken !== null) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    xhr.addEventListener('load', () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else {
        const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
        reject(
          new ApiError(error?.code ?? `HTTP_${xhr.status}`, error?.message ?? xhr.statusText, xhr.status),
        );
      }
    });
    xhr.addEventListener('error', () => reject(new ApiError('NETWORK', 'network', 0)));
    xhr.send(form);
  });
}
