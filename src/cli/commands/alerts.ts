import type { Command } from 'commander';
import { loadChannels, resolveChannelsPath } from '../../alerts/channels/config.ts';
import { DEFAULT_RETRY, deliverPending, listDeliveries } from '../../alerts/deliver.ts';
import { getAlert, type InboxAlert, listAlertEvents, listAlerts } from '../../alerts/inbox.ts';
import { isAlertRule } from '../../alerts/lifecycle.ts';
import { ALERT_RULES } from '../../alerts/model.ts';
import { displaySubject, RULE_LABELS, SEVERITY_LABELS } from '../../alerts/render.ts';
import { normalisePhone } from '../../numbering/phone.ts';
import { alertJson } from '../../services/alerts.ts';
import { UsageError } from '../../shared/errors.ts';
import { openStore } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { dbOption } from '../db-option.ts';
import { count, renderTable, toJson } from '../format.ts';

/** Exit code of `vigie alerts deliver` when some notifications are still pending after the retries. */
export const EXIT_UNDELIVERED = 5;

const STATE_FR = { open: 'ouverte', acknowledged: 'prise en compte', resolved: 'résolue' } as const;

function dayFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(new Date(`${value}T00:00:00Z`).getTime()))
    throw new UsageError(`--as-of ${value}: expected a day (2026-11-23)`);
  return value;
}

function idArgument(value: string): number {
  if (!/^\d+$/.test(value.trim()))
    throw new UsageError(`${value}: an alert id is a whole number (vigie alerts)`);
  return Number(value.trim());
}

/** A phone-like subject is normalised to E.164 as the detectors store it; others are taken as is. */
function subjectFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (/^[+\d][\d\s.-]*$/.test(value)) {
    const phone = normalisePhone(value);
    if (phone.ok) return phone.value;
  }
  return value;
}

function renderAlerts(alerts: readonly InboxAlert[]): string {
  return renderTable(
    ['n°', 'état', 'gravité', 'règle', 'objet', 'ouverte (UTC)', 'vue le', 'message'],
    alerts.map((a) => [
      String(a.id),
      STATE_FR[a.state],
      SEVERITY_LABELS[a.severity].fr,
      a.rule,
      displaySubject(a.subject),
      a.openedAt.slice(0, 16).replace('T', ' '),
      a.asOf,
      a.message.length > 70 ? `${a.message.slice(0, 69)}…` : a.message,
    ]),
  );
}

interface AlertsFlags {
  readonly open?: boolean;
  readonly asOf?: string;
  readonly rule?: string;
  readonly subject?: string;
  readonly channels?: string;
  readonly attempts?: number;
  readonly delay?: number;
  readonly json?: boolean;
  readonly db: string;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

async function list(ctx: CliContext, flags: AlertsFlags): Promise<void> {
  const asOf = dayFlag(flags.asOf);
  if (flags.rule !== undefined && !isAlertRule(flags.rule))
    throw new UsageError(`--rule ${flags.rule}: expected one of ${ALERT_RULES.join(', ')}`);
  const subject = subjectFlag(flags.subject);
  const store = await openStore({ path: flags.db, readOnly: true });
  try {
    const alerts = await listAlerts(store, {
      ...(flags.open ? { open: true } : {}),
      ...(asOf === undefined ? {} : { asOf }),
      ...(flags.rule !== undefined && isAlertRule(flags.rule) ? { rule: flags.rule } : {}),
      ...(subject === undefined ? {} : { subject }),
    });
    if (flags.json) {
      ctx.out(toJson(alerts.map(alertJson)));
      return;
    }
    const latest = alerts.reduce<string | undefined>(
      (m, a) => (m === undefined || a.asOf > m ? a.asOf : m),
      undefined,
    );
    ctx.out(
      asOf === undefined
        ? `Alertes, état actuel (dernier jour analysé : ${latest ?? '–'}) / current inbox`
        : `Alertes au ${asOf} / inbox as of ${asOf}`,
    );
    ctx.out(renderAlerts(alerts));
    const open = alerts.filter((a) => a.state !== 'resolved').length;
    ctx.out(`${count(alerts.length)} alertes, dont ${count(open)} non résolues`);
  } finally {
    store.close();
  }
}

async function deliver(ctx: CliContext, flags: AlertsFlags): Promise<void> {
  const path = resolveChannelsPath(ctx.env.cwd, flags.channels);
  if (path === undefined)
    throw new UsageError(
      'aucun canal configuré / no channels: pass --channels FILE or write .vigie/channels.json',
    );
  const channels = loadChannels(path);
  if (flags.attempts !== undefined && !(flags.attempts >= 1))
    throw new UsageError('--attempts: expected a whole number ≥ 1');
  if (flags.delay !== undefined && !(flags.delay >= 0))
    throw new UsageError('--delay: expected milliseconds ≥ 0');
  const store = await openStore({ path: flags.db });
  try {
    const report = await deliverPending(store, channels, {
      retry: {
        ...(flags.attempts === undefined ? {} : { attempts: flags.attempts }),
        ...(flags.delay === undefined
          ? {}
          : { baseDelayMs: flags.delay, maxDelayMs: Math.max(flags.delay * 32, 1) }),
      },
    });
    if (flags.json) ctx.out(toJson(report));
    else {
      for (const o of report.outcomes)
        ctx.out(
          `alerte ${o.alertId} → ${o.channel} : ${
            o.status === 'sent'
              ? 'envoyée'
              : o.status === 'skipped'
                ? 'reportée (canal injoignable)'
                : 'échec'
          } (${o.attempts} tentative${o.attempts > 1 ? 's' : ''})${o.error ? ` – ${o.error}` : ''}`,
        );
      ctx.out(
        `${count(report.sent)} envoyées, ${count(report.failed + report.skipped)} en attente, ${count(report.superseded)} remplacées / sent, pending, superseded`,
      );
    }
    if (report.failed + report.skipped > 0) ctx.setExitCode(EXIT_UNDELIVERED);
  } finally {
    store.close();
  }
}

export function registerAlerts(program: Command, ctx: CliContext): void {
  // One command: `alerts deliver` is an argument, not a subcommand, so that `--json` and `--db` after
  // `deliver` are not taken by the listing (commander gives a parent the options its subcommands share).
  program
    .command('alerts')
    .description(
      'the alert inbox (one alert per rule and subject, its state and evidence); `alerts deliver` sends the pending notifications (new, reopened, escalated alerts) to the channels, with retries',
    )
    .argument('[action]', '`deliver`: send the pending notifications')
    .option('--open', 'only open and acknowledged alerts')
    .option('--as-of <date>', 'the inbox as it stood at the end of that day (YYYY-MM-DD)')
    .option('--rule <rule>', `only this rule (${ALERT_RULES.join(', ')})`)
    .option('--subject <subject>', 'only this subject (a caller ID, provider:…)')
    .option('--channels <file>', 'deliver: channels JSON file (default: .vigie/channels.json)')
    .option(
      '--attempts <n>',
      `deliver: attempts per notification and channel (default ${DEFAULT_RETRY.attempts})`,
      (v) => Number.parseInt(v, 10),
    )
    .option(
      '--delay <ms>',
      `deliver: first wait between attempts, doubled each time (default ${DEFAULT_RETRY.baseDelayMs})`,
      (v) => Number.parseInt(v, 10),
    )
    .option('--json', 'JSON')
    .addOption(dbOption(ctx))
    .action(async (action: string | undefined, flags: AlertsFlags) => {
      if (action === 'deliver') {
        const misplaced = (['open', 'asOf', 'rule', 'subject'] as const).filter(
          (k) => flags[k] !== undefined,
        );
        if (misplaced.length > 0)
          throw new UsageError(`alerts deliver: --${misplaced.map(kebab).join(', --')} only list alerts`);
        await deliver(ctx, flags);
      } else if (action === undefined) {
        const misplaced = (['channels', 'attempts', 'delay'] as const).filter((k) => flags[k] !== undefined);
        if (misplaced.length > 0)
          throw new UsageError(`--${misplaced.join(', --')}: only with \`vigie alerts deliver\``);
        await list(ctx, flags);
      } else throw new UsageError(`alerts ${action}: unknown action (expected \`vigie alerts deliver\`)`);
    });

  const alert = program.command('alert').description('act on one alert: show, ack, resolve');

  alert
    .command('show')
    .description('one alert with its evidence, its history and its deliveries')
    .argument('<id>', 'alert id (vigie alerts)')
    .option('--json', 'one JSON object')
    .addOption(dbOption(ctx))
    .action(async (id: string, flags: { json?: boolean; db: string }) => {
      const alertId = idArgument(id);
      const store = await openStore({ path: flags.db, readOnly: true });
      try {
        const a = await getAlert(store, alertId);
        const events = await listAlertEvents(store, alertId);
        const deliveries = await listDeliveries(store, { alertId });
        if (flags.json) {
          ctx.out(toJson({ ...alertJson(a), events, deliveries }));
          return;
        }
        ctx.out(`Alerte n° ${a.id} : ${RULE_LABELS[a.rule].fr} / ${RULE_LABELS[a.rule].en}`);
        ctx.out(
          `objet ${displaySubject(a.subject)} · ${SEVERITY_LABELS[a.severity].fr} · ${STATE_FR[a.state]}`,
        );
        ctx.out(a.message);
        for (const [k, v] of Object.entries(a.evidence))
          ctx.out(`  ${k} : ${typeof v === 'string' ? v : JSON.stringify(v)}`);
        ctx.out('Historique / history:');
        ctx.out(
          renderTable(
            ['quand (UTC)', 'jour', 'qui', 'action', 'gravité', 'note'],
            events.map((e) => [
              e.at.slice(0, 19).replace('T', ' '),
              e.day,
              e.author,
              e.action,
              e.severity,
              e.note ?? '',
            ]),
          ),
        );
        if (deliveries.length > 0) {
          ctx.out('Envois / deliveries:');
          ctx.out(
            renderTable(
              ['quand (UTC)', 'canal', 'essai', 'statut', 'erreur'],
              deliveries.map((d) => [
                d.at.slice(0, 19).replace('T', ' '),
                d.channel,
                String(d.attempt),
                d.status,
                d.error ?? '',
              ]),
            ),
          );
        }
      } finally {
        store.close();
      }
    });

  for (const verb of ['ack', 'resolve'] as const) {
    alert
      .command(verb)
      .description(verb === 'ack' ? 'acknowledge an alert: seen, being handled' : 'close an alert by hand')
      .argument('<id>', 'alert id (vigie alerts)')
      .requiredOption('--note <text>', 'why: what was seen or done')
      .option('--author <name>', 'who (default: the OS user name)')
      .option('--json', 'the alert as one JSON object')
      .addOption(dbOption(ctx))
      .action(async (id: string, flags: { note: string; author?: string; json?: boolean; db: string }) => {
        const alertId = idArgument(id);
        if (flags.note.trim() === '') throw new UsageError('--note: say what was seen or done');
        // The same service as POST /api/v1/alerts/{id}/ack|resolve: role check, the action and its audit record.
        const { withServices } = await import('../service-context.ts');
        const { actOnAlert } = await import('../../services/alerts.ts');
        await withServices(ctx, { db: flags.db, readOnly: false, author: flags.author }, async (services) => {
          const updated = await actOnAlert(services, verb, alertId, { note: flags.note });
          const author = services.actor.name;
          if (flags.json) ctx.out(toJson(updated));
          else
            ctx.out(
              verb === 'ack'
                ? `Alerte ${alertId} prise en compte par ${author} / acknowledged`
                : `Alerte ${alertId} résolue par ${author} / resolved`,
            );
        });
      });
  }
}
