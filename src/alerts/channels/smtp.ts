import nodemailer from 'nodemailer';
import { type RenderedAlert, renderAlertEmail, renderDigestEmail } from '../render.ts';
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
  const deliver = async (mail: RenderedAlert, headers: Record<string, string>) => {
    try {
      await transport.sendMail({
        from: channel.from,
        to: [...channel.to],
        subject: mail.subject,
        text: mail.text,
        headers,
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
  };
  return {
    async send(alert, reason) {
      await deliver(renderAlertEmail(alert, reason), {
        'X-Vigie-Alert': `${alert.id}`,
        'X-Vigie-Rule': alert.rule,
      });
    },
    async sendDigest(items) {
      await deliver(renderDigestEmail(items), {
        'X-Vigie-Alert': items.map((i) => i.alert.id).join(', '),
      });
    },
    close() {
      transport.close();
    },
  };
}
