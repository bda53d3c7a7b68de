import type { NotificationReason, RenderableAlert } from '../render.ts';

/** A failed attempt; `permanent` when retrying cannot help (HTTP 4xx, SMTP 5xx). */
export class DeliveryError extends Error {
  readonly permanent: boolean;

  constructor(message: string, permanent: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeliveryError';
    this.permanent = permanent;
  }
}

/** One channel's way of sending a notification; `close` frees its connections. */
export interface Sender {
  send(alert: RenderableAlert, reason: NotificationReason, sentAt: string): Promise<void>;
  /** One message for many alerts (e-mail digests). */
  sendDigest?(
    items: readonly { readonly alert: RenderableAlert; readonly reason: NotificationReason }[],
    sentAt: string,
  ): Promise<void>;
  close(): void;
}

/** The error's message with its cause's code (`fetch failed (ECONNREFUSED)`), for the deliveries table. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  const code =
    cause !== null && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string'
      ? cause.code
      : undefined;
  return code === undefined ? error.message : `${error.message} (${code})`;
}
