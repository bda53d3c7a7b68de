import { renderSlackPayload, renderWebhookPayload } from '../render.ts';
import type { WebhookChannel } from './config.ts';
import { DeliveryError, describeError, type Sender } from './sender.ts';

/** Statuses worth another attempt: timeouts, rate limits and server errors. */
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/** POSTs the alert as JSON (`webhook`) or as `{"text": …}` (`slack`, also Teams). */
export function webhookSender(channel: WebhookChannel): Sender {
  return {
    async send(alert, reason, sentAt) {
      const body =
        channel.type === 'slack'
          ? renderSlackPayload(alert, reason)
          : renderWebhookPayload(alert, reason, sentAt);
      let response: Response;
      try {
        response = await fetch(channel.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', ...channel.headers },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(channel.timeoutMs ?? 10_000),
        });
      } catch (error) {
        throw new DeliveryError(describeError(error), false, { cause: error });
      }
      const text = await response.text().catch(() => '');
      if (!response.ok)
        throw new DeliveryError(
          `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
          !retryable(response.status),
        );
    },
    close() {},
  };
}
