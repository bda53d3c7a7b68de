import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { emptyOrganisation, findOrganisationFile, loadOrganisation } from '../../config/organisation.ts';
import { ingestAuditFile } from '../../ingest/audits.ts';
import {
  BREACH_LABELS,
  frenchNumber,
  integer,
  type Lang,
  label,
  POOLING_LABELS,
  pct,
  points,
  STATUS_LABELS,
} from '../../providers/labels.ts';
import type { Organisation } from '../../providers/model.ts';
import { formatEuros } from '../../providers/penalties.ts';
import type { Card, Scorecard } from '../../providers/scorecard.ts';
import { type ProvidersContext, scorecards, weeklyReport } from '../../providers/service.ts';
import { runSchedule, scheduleFolder } from '../../reports/schedule.ts';
import { REPORT_FORMATS, type ReportFormat, renderWeekly } from '../../reports/weekly.ts';
import { UsageError } from '../../shared/errors.ts';
import { openStore, type Store } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { dbOption } from '../db-option.ts';
import { renderTable, toJson } from '../format.ts';
import { lawFacts, registerHolidayLibrary } from './law-options.ts';

/** The organisation file of this run: `--config`, else VIGIE_CONFIG, else vigie.config.yaml in the folder. */
export function organisationOf(ctx: CliContext, given: string | undefined): Organisation {
  const file = findOrganisationFile(ctx.env.cwd, given ?? ctx.env.organisationFile);
  return file === undefined ? emptyOrganisation() : loadOrganisation(file);
}

/** The providers' service context over an open store. */
export async function providersContext(
  ctx: CliContext,
  store: Store,
  org: Organisation,
): Promise<ProvidersContext> {
  await registerHolidayLibrary();
  return {
    store,
    organisation: org,
    now: () => new Date(),
    lawFacts: (registry) => lawFacts(ctx.env, registry, false),
  };
}

function langOf(value: string | undefined, fallback: Lang = 'fr'): Lang {
  if (value === undefined) return fallback;
  if (value === 'fr') return 'fr';
  if (value === 'en') return 'en';
  throw new UsageError(`--lang ${value} : fr ou en / fr or en`);
}

function cardRow(c: Card, lang: Lang, withPenalties: boolean): string[] {
  const breaches = Object.entries(c.clauseBreaches)
    .map(([t, n]) => `${n} ${t.replace('clause.', '')}`)
    .join(', ');
  const statuses = Object.entries(c.statuses)
    .map(([s, n]) => `${n} ${STATUS_LABELS[s as keyof typeof STATUS_LABELS]?.[lang] ?? s}`)
    .join(', ');
  return [
    String(c.rank),
    c.name,
    integer(c.attempts, lang),
    pct(c.answerRate, lang),
    points(c.answerRateTrend, lang),
    pct(c.reportRate, lang, 2),
    `${c.numbers}${statuses === '' ? '' : ` (${statuses})`}`,
    String(c.burnt.length),
    c.violationsPer1000 === null
      ? '–'
      : c.violationsPer1000.toFixed(1).replace('.', lang === 'fr' ? ',' : '.'),
    breaches === '' ? '–' : breaches,
    c.inbound === null
      ? '–'
      : `${pct(c.inbound.serviceLevel, lang)} / ${pct(c.inbound.abandonment, lang)} (${c.inbound.missed}/${c.inbound.buckets})`,
    c.mystery === null
      ? '–'
      : `${String(c.mystery.averageScore).replace('.', lang === 'fr' ? ',' : '.')} (${c.mystery.audits})`,
    withPenalties && c.penalties !== null ? formatEuros(c.penalties.dueCents, lang) : '–',
    String(c.score).replace('.', lang === 'fr' ? ',' : '.'),
  ];
}

function headers(lang: Lang): string[] {
  return [
    label('rank', lang),
    '',
    label('attempts', lang),
    label('answerRate', lang),
    label('trend', lang),
    label('reportRate', lang),
    label('numbers', lang),
    label('burnt', lang),
    label('violationsPer1000', lang),
    label('breaches', lang),
    `${label('inbound', lang)} / ${label('abandonment', lang)}`,
    label('mystery', lang),
    label('penalties', lang),
    label('score', lang),
  ];
}

/** The scorecard as text: providers, sites, clients, pooling cases and transfer flags. */
export function renderScorecard(s: Scorecard, lang: Lang): string {
  const out: string[] = [];
  out.push(
    `${label('week', lang)} ${s.week} (${s.from} → ${s.to})${s.client === null ? '' : ` · ${label('client', lang)} ${s.client}`}`,
  );
  out.push(
    '',
    label('providers', lang),
    renderTable(
      headers(lang),
      s.providers.map((c) => cardRow(c, lang, true)),
    ),
  );
  out.push(
    '',
    label('sites', lang),
    renderTable(
      headers(lang),
      s.sites.map((c) => cardRow(c, lang, false)),
    ),
  );
  out.push(
    '',
    label('clients', lang),
    renderTable(
      headers(lang),
      s.clients.map((c) => cardRow(c, lang, true)),
    ),
  );
  out.push('', `${label('pooling', lang)} (${s.pooling.length})`);
  for (const p of s.pooling) {
    out.push(`  ${frenchNumber(p.callerId)} · ${POOLING_LABELS[p.kind][lang]} · ${p.days.join(', ')}`);
    for (const party of p.parties) {
      out.push(
        `    ${party.provider} ${party.client ?? ''} ${party.campaign ?? ''}: ${party.calls} · ${party.firstCallId ?? ''} … ${party.lastCallId ?? ''}`,
      );
    }
    for (const a of p.assignments) out.push(`    ${a.provider} ${a.client} (${a.file}:${a.line})`);
  }
  const penalties = s.providers.filter((c) => c.penalties !== null && c.penalties.lines.length > 0);
  if (penalties.length > 0) {
    out.push('', label('penalties', lang));
    for (const c of penalties) {
      for (const l of c.penalties?.lines ?? []) {
        out.push(
          `  ${c.name} · ${l.month} · ${BREACH_LABELS[l.type][lang]} × ${l.count} · ${formatEuros(l.grossCents, lang)} → ${formatEuros(l.dueCents, lang)}`,
        );
      }
    }
  }
  if (s.transferFlags.length > 0) {
    out.push('', label('transfers', lang));
    for (const f of s.transferFlags) out.push(`  ${f.provider} · ${f.site} (${f.country}) : ${f.reason}`);
  }
  return out.join('\n');
}

interface ProvidersFlags {
  readonly db: string;
  readonly week?: string;
  readonly client?: string;
  readonly json?: boolean;
  readonly config?: string;
  readonly lang?: string;
}

export function registerProviders(program: Command, ctx: CliContext): void {
  program
    .command('providers')
    .description('scorecard per provider, site and client for an ISO week (Europe/Paris)')
    .addOption(dbOption(ctx))
    .option('--week <week>', 'ISO week, e.g. 2026-W47 (default: last week)')
    .option('--client <client>', 'one client only')
    .option('--config <file>', 'organisation file (default: VIGIE_CONFIG, else vigie.config.yaml)')
    .option('--lang <lang>', 'fr (default) or en')
    .option('--json', 'the scorecard as JSON')
    .action(async (flags: ProvidersFlags) => {
      const org = organisationOf(ctx, flags.config);
      const lang = langOf(flags.lang);
      const store = await openStore({ path: flags.db });
      try {
        const s = await scorecards({
          ctx: await providersContext(ctx, store, org),
          input: {
            ...(flags.week === undefined ? {} : { week: flags.week }),
            ...(flags.client === undefined ? {} : { client: flags.client }),
          },
        });
        ctx.out(flags.json ? toJson(s) : renderScorecard(s, lang));
      } finally {
        store.close();
      }
    });

  program
    .command('ingest-audits')
    .description(
      'ingest mystery-call and listening-audit results (date, provider, site, campaign, score:*, item:*, comment)',
    )
    .argument('<files...>', 'CSV files')
    .addOption(dbOption(ctx))
    .option('--json', 'one JSON summary per file')
    .action(async (files: string[], flags: { db: string; json?: boolean }) => {
      const store = await openStore({ path: flags.db });
      try {
        for (const file of files) {
          const s = await ingestAuditFile(store, file);
          if (flags.json) ctx.out(toJson(s));
          else
            ctx.out(
              `${file} : ${s.rows} lignes, ${s.stored} enregistrées, ${s.duplicates} doublons, ${s.quarantined} en quarantaine${s.alreadyIngested ? ' (déjà ingéré / already ingested)' : ''}`,
            );
          for (const p of s.problems) ctx.err(`${file}:${p.line}: ${p.field}: ${p.fr} / ${p.en}`);
          if (s.quarantined > 0) ctx.setExitCode(3);
        }
      } finally {
        store.close();
      }
    });

  program
    .command('report')
    .description(
      'the weekly report (per number, scorecard, violations, breaches and penalties with their evidence) as HTML, PDF or CSV; --schedule writes and sends the Monday batch',
    )
    .addOption(dbOption(ctx))
    .option('--week <week>', 'ISO week, e.g. 2026-W47 (default: last week)')
    .option('--provider <provider>', 'one provider only: no other provider appears')
    .option('--client <client>', 'one client only')
    .option('--format <format>', 'html, pdf or csv (default: from --out, else html)')
    .option('--out <file>', 'the file to write (html and csv go to the standard output without it)')
    .option('--lang <lang>', 'fr (default: report.lang of the organisation file) or en')
    .option('--config <file>', 'organisation file (default: VIGIE_CONFIG, else vigie.config.yaml)')
    .option(
      '--schedule',
      "the Monday batch: every provider's and client's report into a folder, sent by e-mail when configured",
    )
    .option('--folder <dir>', 'with --schedule: the folder (default: report.folder of the organisation file)')
    .option('--json', 'with --schedule: its summary as JSON')
    .action(async (flags: ReportFlags) => {
      const org = organisationOf(ctx, flags.config);
      const lang = langOf(flags.lang, org.report.lang);
      const store = await openStore({ path: flags.db });
      try {
        const pctx = await providersContext(ctx, store, org);
        if (flags.schedule) {
          if (flags.provider !== undefined || flags.client !== undefined || flags.out !== undefined)
            throw new UsageError(
              '--schedule écrit les rapports de tous : sans --provider, --client ni --out / --schedule writes everyone’s reports: no --provider, --client or --out',
            );
          const r = await runSchedule({
            ctx: pctx,
            folder: scheduleFolder(pctx, flags.folder),
            lang,
            env: process.env,
            ...(flags.week === undefined ? {} : { week: flags.week }),
          });
          if (flags.json) ctx.out(toJson(r));
          else {
            ctx.out(
              `${r.week} : ${r.reports.length} rapports dans ${r.folder} / ${r.reports.length} reports in ${r.folder}`,
            );
            if (!r.pdf)
              ctx.err(
                'Chromium introuvable : rapports en HTML au lieu de PDF / Chromium not found: HTML reports instead of PDF',
              );
            for (const m of r.sent)
              ctx.out(`  envoyé / sent ${m.recipient} → ${m.to} (${m.attachments.length})`);
            for (const m of r.alreadySent) ctx.out(`  déjà envoyé / already sent ${m}`);
            for (const m of r.noAddress) ctx.err(`  sans adresse e-mail / no e-mail address: ${m}`);
            for (const m of r.revised) ctx.out(`  révisé / revised: ${m}`);
          }
          return;
        }
        const format = formatOf(flags.format, flags.out);
        if (format === 'pdf' && flags.out === undefined)
          throw new UsageError('--format pdf : indiquez --out FICHIER / give --out FILE');
        const report = await weeklyReport({
          ctx: pctx,
          input: {
            ...(flags.week === undefined ? {} : { week: flags.week }),
            ...(flags.provider === undefined ? {} : { provider: flags.provider }),
            ...(flags.client === undefined ? {} : { client: flags.client }),
          },
        });
        const bytes = await renderWeekly(report, format, lang, process.env);
        if (flags.out === undefined) {
          if (ctx.outBytes !== undefined) ctx.outBytes(bytes);
          else ctx.out(bytes.toString('utf8'));
        } else {
          const out = resolve(ctx.env.cwd, flags.out);
          writeFileSync(out, bytes);
          ctx.err(
            `${out} : ${report.week}, ${report.numbers.length} numéros / numbers, ${report.scorecard.breaches.length} manquements / breaches${report.revision === null ? '' : ' — RÉVISÉ / REVISED'}`,
          );
        }
      } finally {
        store.close();
      }
    });
}

interface ReportFlags {
  readonly db: string;
  readonly week?: string;
  readonly provider?: string;
  readonly client?: string;
  readonly format?: string;
  readonly out?: string;
  readonly lang?: string;
  readonly config?: string;
  readonly schedule?: boolean;
  readonly folder?: string;
  readonly json?: boolean;
}

function formatOf(given: string | undefined, out: string | undefined): ReportFormat {
  const text = given ?? /\.(html|pdf|csv)$/i.exec(out ?? '')?.[1]?.toLowerCase() ?? 'html';
  if ((REPORT_FORMATS as readonly string[]).includes(text)) return text as ReportFormat;
  throw new UsageError(`--format ${text} : html, pdf ou csv / html, pdf or csv`);
}
