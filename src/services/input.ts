/** Validation of every service input (zod), pagination by opaque cursors, and numbers typed any French way. */
import { z } from 'zod';
import { normalisePhone } from '../numbering/phone.ts';
import { ServiceError } from './errors.ts';

/** Parses `input` with `schema`, or a VALIDATION error naming every bad field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(body)',
    message: i.message,
  }));
  throw new ServiceError(
    'VALIDATION',
    `entrée invalide : ${issues.map((i) => `${i.path} (${i.message})`).join(', ')}`,
    `invalid input: ${issues.map((i) => `${i.path} (${i.message})`).join(', ')}`,
    { issues },
  );
}

export const dayField = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
export const weekField = z.string().regex(/^\d{4}-W\d{2}$/, 'expected an ISO week, 2026-W47');
/** Free text from a form: trimmed, not empty, bounded. */
export const textField = (max: number) => z.string().trim().min(1).max(max);
/** A name (provider, client, campaign) as a filter. */
export const nameField = z.string().min(1).max(200);

export const pageFields = (maxLimit: number, defaultLimit: number) => ({
  limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
  cursor: z.string().max(200).optional(),
});

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const match = /^o(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match?.[1] === undefined)
    throw new ServiceError('VALIDATION', 'curseur invalide', 'invalid cursor', {
      issues: [{ path: 'cursor', message: 'invalid cursor' }],
    });
  return Number(match[1]);
}

const cursorOf = (offset: number) => Buffer.from(`o${offset}`, 'utf8').toString('base64url');

/** One page of a list already filtered and ordered. */
export function paginate<T>(all: readonly T[], limit: number, cursor: string | undefined): Page<T> {
  const start = offsetOf(cursor);
  const items = all.slice(start, start + limit);
  return { items, nextCursor: start + limit < all.length ? cursorOf(start + limit) : null };
}

/** For lists paged in SQL: the offset to read from, and the page from `limit + 1` rows read. */
export function sqlPage(cursor: string | undefined): number {
  return offsetOf(cursor);
}

export function pageFromRows<T>(rows: T[], offset: number, limit: number): Page<T> {
  return { items: rows.slice(0, limit), nextCursor: rows.length > limit ? cursorOf(offset + limit) : null };
}

/** A number in a URL or an argument: any French writing → E.164, else INVALID_NUMBER. */
export function phoneInput(raw: string): string {
  const result = normalisePhone(raw);
  if (!result.ok || !result.value.startsWith('+'))
    throw new ServiceError(
      'INVALID_NUMBER',
      `${JSON.stringify(raw.slice(0, 40))} n'est pas un numéro de téléphone`,
      `${JSON.stringify(raw.slice(0, 40))} is not a phone number`,
    );
  return result.value;
}

/**
 * A search typed any French way, or the start of one: `01 62 00`, `+33 1 62`, `0033162`, `162 00`.
 * Returns a test on E.164 numbers: a national or international start is a prefix, bare digits are
 * searched anywhere.
 */
export function numberSearch(q: string): (e164: string) => boolean {
  const compact = q.replace(/[\s.\-()/\u00a0]/g, '');
  if (compact === '') return () => true;
  let prefix: string | undefined;
  if (/^\+\d+$/.test(compact)) prefix = compact;
  else if (/^00\d+$/.test(compact)) prefix = `+${compact.slice(2)}`;
  else if (/^0\d*$/.test(compact)) prefix = `+33${compact.slice(1)}`;
  if (prefix !== undefined) {
    const p = prefix;
    return (n) => n.startsWith(p);
  }
  const digits = compact.replace(/\D/g, '');
  if (digits === '') return () => false;
  return (n) => n.includes(digits);
}

/** French display of an E.164 number: `+33162000000` → `01 62 00 00 00`. */
export function displayNumber(e164: string): string {
  if (/^\+33\d{9}$/.test(e164)) return `0${e164.slice(3)}`.replace(/(\d{2})(?=\d)/g, '$1 ');
  return e164;
}
