import nodemailer from 'nodemailer';
import { renderAlertEmail } from '../render.ts';
import type { SmtpChannel } from './config.ts';
import { DeliveryError, describeError, type Sender } from './sender.ts';

function responseCode(error: unknown): number | undefined {
  return error !== null &&
    typeof error === 'object' &&
    'responseCode' in error &&
    typeof error.responseCode === 'number'
    ? error.responseCode
    : undefined;
}

/** Sends the alert as a plain-text e-mail (French, then English) through the channel's SMTP server. */
export function smtpSender(channel: SmtpChannel): Sender {
  const timeout = channel.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport({
    host: channel.host,
    port: channel.port,
    secure: channel.secure,
    ...(channel.auth ? { auth: { user: channel.auth.user, pass: channel.auth.pass } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(alert, reason) {
      const mail = renderAlertEmail(alert, reason);
      try {
        await transport.sendMail({
          from: channel.from,
          to: [...channel.to],
          subject: mail.subject,
          text: mail.text,
          headers: { 'X-Vigie-Alert': `${alert.id}`, 'X-Vigie-Rule': alert.rule },
        });
      } catch (error) {
        const code = responseCode(error);
        // 5xx replies (bad recipient, refused credentials) will not change on the next attempt.
        throw new DeliveryError(
          code === undefined ? describeError(error) : `SMTP ${code}: ${describeError(error)}`,
          code !== undefined && code >= 500,
          { cause: error },
        );
      }
    },
    close() {
      transport.close();
    },
  };
}
