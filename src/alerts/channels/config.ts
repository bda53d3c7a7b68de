/**
 * Channel configuration: a JSON file (`--channels FILE`, else `.vigie/channels.json`) holding a list
 * of channels, or `{ "channels": [...] }`. Every problem of the file is reported at once.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { UsageError } from '../../shared/errors.ts';
import { isAlertRule, isAlertSeverity, severityRank } from '../lifecycle.ts';
import type { AlertRule, AlertSeverity } from '../model.ts';

export interface ChannelFilter {
  /** Only these rules; all when absent. */
  readonly rules?: readonly AlertRule[];
  /** Only alerts at least this severe; all when absent. */
  readonly minSeverity?: AlertSeverity;
}

export interface WebhookChannel extends ChannelFilter {
  /** `webhook` posts the alert as JSON; `slack` posts `{"text": …}` (Slack and Teams incoming webhooks). */
  readonly type: 'webhook' | 'slack';
  /** Stable and free of secrets: it names the channel in the deliveries table. */
  readonly name: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export interface SmtpChannel extends ChannelFilter {
  readonly type: 'smtp';
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  readonly secure: boolean;
  readonly auth?: { readonly user: string; readonly pass: string };
  readonly from: string;
  readonly to: readonly string[];
  /** One e-mail per delivery run listing every pending alert, instead of one e-mail per alert. */
  readonly digest?: boolean;
  readonly timeoutMs?: number;
}

export type Channel = WebhookChannel | SmtpChannel;

export const DEFAULT_CHANNELS_FILE = join('.vigie', 'channels.json');

/** The file a command reads: `--channels FILE`, else `.vigie/channels.json` when it exists. */
export function resolveChannelsPath(cwd: string, flag?: string): string | undefined {
  if (flag !== undefined) return isAbsolute(flag) ? flag : join(cwd, flag);
  const fallback = join(cwd, DEFAULT_CHANNELS_FILE);
  return existsSync(fallback) ? fallback : undefined;
}

export function loadChannels(path: string): Channel[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`canaux ${path} illisible / cannot read channels file ${path}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `canaux ${path} : JSON invalide / invalid JSON: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return parseChannels(json, path);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Validates a parsed channels file; throws one UsageError listing every problem. */
export function parseChannels(json: unknown, source = 'channels'): Channel[] {
  const list = Array.isArray(json) ? json : isRecord(json) ? json.channels : undefined;
  if (!Array.isArray(list))
    throw new UsageError(`${source}: expected a list of channels, or {"channels": [...]}`);
  const problems: string[] = [];
  const channels: Channel[] = [];
  list.forEach((raw: unknown, index) => {
    const at = (field: string, problem: string) => problems.push(`[${index}].${field}: ${problem}`);
    if (!isRecord(raw)) {
      problems.push(`[${index}]: expected an object`);
      return;
    }
    const filter = parseFilter(raw, at);
    const name = raw.name === undefined ? undefined : typeof raw.name === 'string' ? raw.name : undefined;
    if (raw.name !== undefined && (typeof raw.name !== 'string' || raw.name.trim() === ''))
      at('name', 'expected a non-empty string');
    const timeoutMs = optionalPositive(raw.timeoutMs, 'timeoutMs', at);
    if (raw.type === 'webhook' || raw.type === 'slack') {
      const url = typeof raw.url === 'string' ? raw.url : '';
      let parsed: URL | undefined;
      try {
        parsed = new URL(url);
      } catch {
        at('url', 'expected an http(s) URL');
      }
      if (parsed && parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        at('url', 'expected an http(s) URL');
      const headers = raw.headers;
      if (
        headers !== undefined &&
        (!isRecord(headers) || Object.values(headers).some((v) => typeof v !== 'string'))
      )
        at('headers', 'expected an object of strings');
      if (parsed === undefined) return;
      channels.push({
        type: raw.type,
        name: name ?? `${raw.type}:${parsed.host}#${shortHash(url)}`,
        url,
        ...(isRecord(headers) ? { headers: headers as Record<string, string> } : {}),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        ...filter,
      });
    } else if (raw.type === 'smtp') {
      const host = typeof raw.host === 'string' && raw.host !== '' ? raw.host : undefined;
      if (host === undefined) at('host', 'expected a host name');
      const secure = raw.secure === undefined ? false : raw.secure;
      if (typeof secure !== 'boolean') at('secure', 'expected true or false');
      const port = raw.port === undefined ? (secure === true ? 465 : 587) : raw.port;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
        at('port', 'expected a port number');
      const from = typeof raw.from === 'string' && raw.from.includes('@') ? raw.from : undefined;
      if (from === undefined) at('from', 'expected an e-mail address');
      const toList = typeof raw.to === 'string' ? [raw.to] : raw.to;
      const to =
        Array.isArray(toList) &&
        toList.length > 0 &&
        toList.every((t: unknown) => typeof t === 'string' && t.includes('@'))
          ? (toList as string[])
          : undefined;
      if (to === undefined) at('to', 'expected an e-mail address or a list of them');
      if (raw.digest !== undefined && typeof raw.digest !== 'boolean') at('digest', 'expected true or false');
      let auth: { user: string; pass: string } | undefined;
      if (raw.auth !== undefined) {
        if (isRecord(raw.auth) && typeof raw.auth.user === 'string' && typeof raw.auth.pass === 'string')
          auth = { user: raw.auth.user, pass: raw.auth.pass };
        else at('auth', 'expected {"user": "…", "pass": "…"}');
      }
      if (
        host === undefined ||
        typeof port !== 'number' ||
        typeof secure !== 'boolean' ||
        from === undefined ||
        to === undefined
      )
        return;
      channels.push({
        type: 'smtp',
        name: name ?? `smtp:${host}:${port}:${to.join(',')}`,
        host,
        port,
        secure,
        ...(auth ? { auth } : {}),
        from,
        to,
        ...(raw.digest === true ? { digest: true } : {}),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        ...filter,
      });
    } else at('type', 'expected webhook, slack or smtp');
  });
  const names = new Set<string>();
  for (const c of channels) {
    if (names.has(c.name)) problems.push(`name ${c.name}: two channels with the same name`);
    names.add(c.name);
  }
  if (problems.length > 0)
    throw new UsageError(`${source}: canaux invalides / invalid channels:\n  ${problems.join('\n  ')}`);
  return channels;
}

function parseFilter(
  raw: Record<string, unknown>,
  at: (field: string, problem: string) => void,
): ChannelFilter {
  const filter: { rules?: AlertRule[]; minSeverity?: AlertSeverity } = {};
  if (raw.rules !== undefined) {
    if (!Array.isArray(raw.rules)) at('rules', 'expected a list of rule ids');
    else {
      const rules: AlertRule[] = [];
      for (const r of raw.rules as unknown[]) {
        if (typeof r === 'string' && isAlertRule(r)) rules.push(r);
        else at('rules', `unknown rule ${String(r)}`);
      }
      filter.rules = rules;
    }
  }
  if (raw.minSeverity !== undefined) {
    if (typeof raw.minSeverity === 'string' && isAlertSeverity(raw.minSeverity))
      filter.minSeverity = raw.minSeverity;
    else at('minSeverity', 'expected info, warning or critical');
  }
  return filter;
}

function optionalPositive(
  value: unknown,
  field: string,
  at: (field: string, problem: string) => void,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  at(field, 'expected a positive number');
  return undefined;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** Whether a channel takes notifications of this rule and severity. */
export function channelAccepts(channel: ChannelFilter, rule: AlertRule, severity: AlertSeverity): boolean {
  if (channel.rules !== undefined && !channel.rules.includes(rule)) return false;
  if (channel.minSeverity !== undefined && severityRank(severity) < severityRank(channel.minSeverity))
    return false;
  return true;
}
