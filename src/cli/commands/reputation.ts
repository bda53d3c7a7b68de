import { type Command, Option } from 'commander';
import { listAlerts } from '../../alerts/inbox.ts';
import { normalisePhone } from '../../numbering/phone.ts';
import { addDays, isDay } from '../../reputation/dates.ts';
import { type Assessment, assessNumber, peerAnswerRate, statusHistory } from '../../reputation/evaluate.ts';
import { type OperatorAction, type ReputationConfig, STATUSES, type Status } from '../../reputation/model.ts';
import { loadActions, loadDays, loadUse } from '../../reputation/queries.ts';
import { assessAll, loadReputationConfig, resolveAsOf, updateReputation } from '../../reputation/service.ts';
import { UsageError } from '../../shared/errors.ts';
import { openStore, type Store } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { dbOption } from '../db-option.ts';
import { count, percent, renderTable, toJson } from '../format.ts';
import { displayNumber } from './calls.ts';
import { numberCommand } from './number-info.ts';

const STATUS_FR: Readonly<Record<Status, string>> = {
  active: 'actif',
  watch: 'à surveiller',
  at_risk: 'à risque',
  compromised: 'compromis',
  suspended: 'suspendu',
  resting: 'au repos',
  recovering: 'en reprise',
};

function asOfFlag(value: string | undefined): string | undefined {
  if (value !== undefined && !isDay(value))
    throw new UsageError(`--as-of ${value}: expected a day, 2026-11-13`);
  return value;
}

function phoneArg(raw: string): string {
  const result = normalisePhone(raw);
  if (!result.ok)
    throw new UsageError(`${JSON.stringify(raw)} is not a valid phone number (${result.reason})`);
  return result.value;
}

async function asOfOrFail(store: Store, asOf: string | undefined): Promise<string> {
  const day = await resolveAsOf(store, asOf);
  if (day === undefined) throw new UsageError('no calls in the database yet: run `vigie ingest` first');
  return day;
}

function frenchDay(day: string): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString('fr-FR', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

const round = (x: number | null, digits = 4) =>
  x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits;

/** The public JSON shape of `vigie numbers` (field names are a contract). */
function numberJson(a: Assessment) {
  return {
    number: a.number,
    asOf: a.asOf,
    status: a.status,
    dataStatus: a.dataStatus,
    score: a.score.score,
    answerRate7d: round(a.kpis7d.answerRate),
    answerRate28d: round(a.kpis28d.answerRate),
    reportRate7d: round(a.kpis7d.reportRate),
    reports7d: a.windows.last7.reports,
    attempts7d: a.windows.last7.attempts,
    attemptsPerDay7d: round(a.kpis7d.attemptsPerDay, 1),
    cap: a.cap,
    avgTalkSeconds7d: round(a.kpis7d.avgTalkSeconds, 1),
    avgTalkSeconds28d: round(a.kpis28d.avgTalkSeconds, 1),
    shortShare7d: round(a.kpis7d.shortShare),
    blockedShare7d: round(a.kpis7d.blockedShare),
    callbackRate7d: round(a.kpis7d.callbackRate),
    repeatShare7d: round(a.kpis7d.repeatShare),
    providers: a.providers,
    clients: a.clients,
    campaigns: a.campaigns,
    firstDay: a.firstDay,
    lastDay: a.lastDay,
    daysSinceFirstUse: a.daysSinceFirstUse,
    daysSinceLastUse: a.daysSinceLastUse,
    expectedRecoveryDate: a.recovery?.earliest ?? null,
    expectedRecovery: a.recovery,
    forecast: a.forecast.crossings.map((c) => ({
      threshold: c.threshold,
      state: c.state,
      day: c.day,
      earliest: c.earliest,
      latest: c.latest,
    })),
    conditions: a.conditions.map((c) => ({ rule: c.rule, severity: c.severity, message: c.message })),
  };
}

function crossingText(a: Assessment, threshold: number): string {
  const c = a.forecast.crossings.find((x) => x.threshold === threshold);
  if (c === undefined || c.day === null) return '–';
  if (c.state === 'crossed') return 'atteint';
  if (c.state !== 'projected') return '–';
  return `${c.day} (${c.earliest ?? '?'}…${c.latest ?? '?'})`;
}

function renderNumbers(list: readonly Assessment[], asOf: string): string {
  const header = `Au ${frenchDay(asOf)} (${asOf}) — fenêtres en jours calendaires Europe/Paris se terminant ce jour-là.\n`;
  const rows = list.map((a) => [
    displayNumber(a.number),
    STATUS_FR[a.status],
    String(a.score.score),
    percent(a.kpis7d.answerRate),
    percent(a.kpis28d.answerRate),
    percent(a.kpis7d.reportRate, 2),
    `${count(Math.round(a.kpis7d.attemptsPerDay))}/${a.cap}`,
    a.kpis7d.avgTalkSeconds === null ? '–' : `${Math.round(a.kpis7d.avgTalkSeconds)} s`,
    percent(a.kpis7d.shortShare),
    percent(a.kpis7d.callbackRate),
    a.daysSinceFirstUse === null ? '–' : String(a.daysSinceFirstUse),
    a.daysSinceLastUse === null ? '–' : String(a.daysSinceLastUse),
    crossingText(a, a.thresholds.reportRateWarning),
    a.recovery === null ? '' : `${a.recovery.earliest}…${a.recovery.latest}`,
    a.providers.join(', '),
  ]);
  return (
    header +
    renderTable(
      [
        'numéro',
        'statut',
        'score',
        'décroché 7 j',
        'décroché 28 j',
        'signalés 7 j',
        'appels/j / plafond',
        'durée moy.',
        'courts',
        'rappels',
        'j. depuis 1er',
        'j. depuis dernier',
        '2 % prévu le',
        'rétablissement',
        'prestataires',
      ],
      rows,
    )
  );
}

interface ReadFlags {
  readonly db: string;
  readonly asOf?: string;
  readonly json?: boolean;
  readonly thresholds?: string;
}

function thresholdsOption(): Option {
  return new Option(
    '--thresholds <file>',
    'alert thresholds JSON (default: .vigie/reputation.json if present)',
  );
}

function config(ctx: CliContext, flags: { thresholds?: string }): ReputationConfig {
  return loadReputationConfig(flags.thresholds, ctx.env.cwd);
}

async function showNumber(ctx: CliContext, raw: string, flags: ReadFlags): Promise<void> {
  const number = phoneArg(raw);
  const store = await openStore({ path: flags.db, readOnly: true });
  try {
    const asOf = await asOfOrFail(store, asOfFlag(flags.asOf));
    const cfg = config(ctx, flags);
    const days = (await loadDays(store, '1900-01-01', asOf, number)).get(number) ?? [];
    const actions = await loadActions(store, number);
    if (days.length === 0 && actions.length === 0)
      throw new UsageError(`${number}: no calls, reports or actions`);
    const use = (await loadUse(store)).get(number);
    const input = {
      number,
      days,
      actions,
      config: cfg,
      firstDay: use?.first ?? null,
      lastDay: use?.last ?? null,
      peerAnswerRate: peerAnswerRate(
        [...(await loadDays(store, addDays(asOf, -6), asOf)).values()].map((list) => ({ days: list })),
        asOf,
        cfg.defaults.minAttempts,
      ),
    };
    const a = assessNumber({ ...input, asOf });
    const from = days[0]?.day ?? asOf;
    const earliest = addDays(asOf, -55);
    // biome-ignore lint/complexity/useMathMinMax: ISO days compared as strings; Math.max would turn them into NaN.
    const history = statusHistory(input, from < earliest ? earliest : from, asOf);
    const changes: {
      day: string;
      from: Status | null;
      to: Status;
      score: number;
      author: string;
      reason: string;
    }[] = [];
    let previous: Status | null = null;
    for (const h of history) {
      if (h.status !== previous) {
        const action = actions.filter((x) => x.day === h.day).at(-1);
        changes.push({
          day: h.day,
          from: previous,
          to: h.status,
          score: h.score,
          author: action?.author ?? 'vigie',
          reason: action?.reason ?? `données : score ${h.score}`,
        });
      }
      previous = h.status;
    }
    const alerts = await listAlerts(store, { subject: number }).catch(() => []);
    const assignments = await store
      .all<{
        client: string;
        provider: string | null;
        campaign: string | null;
        valid_from: string | null;
        valid_to: string | null;
        dedicated: boolean;
      }>(
        `SELECT client, provider, campaign, CAST(valid_from AS VARCHAR) AS valid_from, CAST(valid_to AS VARCHAR) AS valid_to, dedicated
         FROM assignments WHERE caller_id = $1 ORDER BY valid_from NULLS FIRST`,
        [number],
      )
      .catch(() => []);
    const daily = days
      .filter((d) => d.day <= asOf)
      .map((d) => ({
        day: d.day,
        attempts: d.attempts,
        answered: d.answered,
        answerRate: round(d.attempts > 0 ? d.answered / d.attempts : null),
        reports: d.reports,
        reportRate: round(d.attempts > 0 ? d.reports / d.attempts : null),
        shortAnswered: d.shortAnswered,
        avgTalkSeconds: round(d.answered > 0 ? d.talkSeconds / d.answered : null, 1),
        blocked: d.blocked,
        failedZero: d.failedZero,
        callbacks: d.callbacks,
        repeatCallees: d.repeatCallees,
        callees: d.callees,
        providers: d.providers,
        clients: d.clients,
        campaigns: d.campaigns,
      }));
    if (flags.json) {
      ctx.out(
        toJson({
          ...numberJson(a),
          factors: a.score.factors,
          forecastDetail: a.forecast,
          ramp: a.ramp,
          daily,
          alerts,
          assignments,
          actions,
          statusChanges: changes,
        }),
      );
      return;
    }
    const out: string[] = [];
    out.push(
      `${displayNumber(number)} (${number}) au ${frenchDay(asOf)} : ${STATUS_FR[a.status]} (${a.status}), score ${a.score.score}/100`,
    );
    out.push(
      `7 j : ${count(a.windows.last7.attempts)} appels, décroché ${percent(a.kpis7d.answerRate)}, signalements ${a.windows.last7.reports} (${percent(a.kpis7d.reportRate, 2)}), plafond ${a.cap}/j`,
    );
    out.push('\nScore, facteur par facteur :');
    out.push(
      renderTable(
        ['facteur', 'poids', 'valeur', 'points retirés', 'sur la base de'],
        a.score.factors.map((f) => [
          f.label,
          String(f.weight),
          f.value === null ? '–' : percent(f.value),
          f.penalty.toFixed(1).replace('.', ','),
          f.basis,
        ]),
      ),
    );
    out.push('\nPrévision du taux de signalement sur 7 jours :');
    for (const c of a.forecast.crossings) {
      out.push(
        `  ${percent(c.threshold, 0)} : ${c.state === 'crossed' ? 'déjà atteint' : c.state === 'projected' ? `le ${c.day} (90 % : ${c.earliest ?? '?'} – ${c.latest ?? 'au-delà de 28 jours'})` : 'pas de franchissement prévu'}`,
      );
    }
    if (a.recovery !== null)
      out.push(
        `\nAu repos depuis le ${a.recovery.restedOn} (dommage ${a.recovery.damage}) : rétablissement attendu entre le ${a.recovery.earliest} et le ${a.recovery.latest}`,
      );
    if (a.ramp !== null)
      out.push(`\nMontée en charge : ${a.ramp.map((s) => `${s.day.slice(5)} ${s.cap}`).join(' · ')}`);
    out.push('\nHistorique quotidien :');
    out.push(
      renderTable(
        [
          'jour',
          'appels',
          'décroché',
          'signalements',
          'courts',
          'durée moy.',
          'bloqués',
          'rappels',
          'clients',
        ],
        daily.map((d) => [
          d.day,
          count(d.attempts),
          percent(d.answerRate),
          String(d.reports),
          String(d.shortAnswered),
          d.avgTalkSeconds === null ? '–' : `${Math.round(d.avgTalkSeconds)} s`,
          String(d.blocked + d.failedZero),
          String(d.callbacks),
          d.clients.join(', '),
        ]),
      ),
    );
    out.push('\nChangements de statut :');
    for (const c of changes) out.push(`  ${c.day} ${c.from ?? '—'} → ${c.to} (${c.author} : ${c.reason})`);
    out.push(`\nAlertes : ${alerts.length === 0 ? 'aucune' : ''}`);
    for (const al of alerts) out.push(`  #${al.id} ${al.rule} [${al.severity}, ${al.state}] ${al.message}`);
    if (assignments.length > 0) {
      out.push('\nAffectations :');
      for (const s of assignments)
        out.push(
          `  ${s.client} / ${s.provider ?? '–'} / ${s.campaign ?? '–'} du ${s.valid_from ?? '…'} au ${s.valid_to ?? '…'}${s.dedicated ? ' (dédié)' : ''}`,
        );
    }
    ctx.out(out.join('\n'));
  } finally {
    store.close();
  }
}

async function act(
  ctx: CliContext,
  action: OperatorAction,
  raw: string,
  flags: { db: string; reason: string; author?: string; at?: string },
): Promise<void> {
  const number = phoneArg(raw);
  const day = flags.at ?? new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
  if (!isDay(day)) throw new UsageError(`--at ${day}: expected a day, 2026-11-13`);
  // The same service as POST /api/v1/numbers/{number}/actions: role check, the action and its audit record.
  const { withServices } = await import('../service-context.ts');
  const { actOnNumber } = await import('../../services/numbers.ts');
  await withServices(ctx, { db: flags.db, readOnly: false, author: flags.author }, async (services) => {
    const detail = await actOnNumber(services, number, { action, reason: flags.reason, day });
    ctx.out(
      `${displayNumber(number)} : ${action} enregistré le ${day} par ${services.actor.name} (${flags.reason})`,
    );
    if (action === 'resume' && detail.ramp != null)
      ctx.out(`Montée en charge : ${detail.ramp.map((s) => `${s.day} ${s.cap}`).join(' · ')}`);
  });
}

export function registerReputation(program: Command, ctx: CliContext): void {
  program
    .command('numbers')
    .description('every caller ID with its status, score and KPIs (7 and 28 calendar days, Europe/Paris)')
    .option('--provider <name>', 'only numbers this provider used')
    .option('--client <name>', 'only numbers used for this client')
    .addOption(new Option('--status <status>', 'only this status').choices([...STATUSES]))
    .option('--as-of <day>', 'windows ending on this day (default: the most recent day with calls)')
    .addOption(thresholdsOption())
    .option('--json', 'JSON array')
    .addOption(dbOption(ctx))
    .action(async (flags: ReadFlags & { provider?: string; client?: string; status?: Status }) => {
      const store = await openStore({ path: flags.db, readOnly: true });
      try {
        const asOf = await asOfOrFail(store, asOfFlag(flags.asOf));
        const list = (await assessAll(store, asOf, config(ctx, flags))).filter(
          (a) =>
            (flags.provider === undefined || a.providers.includes(flags.provider)) &&
            (flags.client === undefined || a.clients.includes(flags.client)) &&
            (flags.status === undefined || a.status === flags.status),
        );
        ctx.out(flags.json ? toJson(list.map(numberJson)) : renderNumbers(list, asOf));
      } finally {
        store.close();
      }
    });

  program
    .command('recompute')
    .description('rebuild the reputation rollup from the stored calls and reports, then the alerts')
    .addOption(thresholdsOption())
    .option('--json', 'one JSON object')
    .addOption(dbOption(ctx))
    .action(async (flags: { db: string; thresholds?: string; json?: boolean }) => {
      const started = Date.now();
      const store = await openStore({ path: flags.db });
      try {
        const update = await updateReputation(store, { full: true, config: config(ctx, flags) });
        const rows = await store.one<{ n: bigint }>('SELECT count(*) AS n FROM reputation_days');
        const summary = {
          rows: Number(rows?.n ?? 0),
          asOf: update.asOf ?? null,
          conditions: update.conditions,
          autoRested: update.autoRested,
          alerts: update.alerts ?? null,
          seconds: (Date.now() - started) / 1000,
        };
        ctx.out(
          flags.json
            ? toJson(summary)
            : `Réputation recalculée : ${count(summary.rows)} numéros-jours, ${summary.conditions} conditions d’alerte au ${summary.asOf ?? '–'}, en ${summary.seconds.toFixed(1)} s`,
        );
      } finally {
        store.close();
      }
    });

  const number = numberCommand(program);
  number
    .command('show')
    .description('one caller ID: daily history, score factors, forecast, alerts, assignments, status changes')
    .argument('<number>', 'the caller ID')
    .option('--as-of <day>', 'as of this day (default: the most recent day with calls)')
    .addOption(thresholdsOption())
    .option('--json', 'one JSON object')
    .addOption(dbOption(ctx))
    .action((raw: string, flags: ReadFlags) => showNumber(ctx, raw, flags));

  const verbs: readonly [OperatorAction, string][] = [
    ['suspend', 'stop using a caller ID (operator decision)'],
    ['rest', 'rest a caller ID so that its reputation recovers'],
    ['resume', 'use a suspended or rested caller ID again, with a ramp-up of its daily cap'],
  ];
  for (const [action, description] of verbs) {
    number
      .command(action)
      .description(description)
      .argument('<number>', 'the caller ID')
      .requiredOption('--reason <text>', 'why (recorded with the author and time)')
      .option('--author <name>', 'who decides (default: the system user)')
      .option('--at <day>', 'the Paris day it takes effect (default: today)')
      .addOption(dbOption(ctx))
      .action((raw: string, flags: { db: string; reason: string; author?: string; at?: string }) =>
        act(ctx, action, raw, flags),
      );
  }
}
