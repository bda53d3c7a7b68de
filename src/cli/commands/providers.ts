import type { Command } from 'commander';
import { emptyOrganisation, findOrganisationFile, loadOrganisation } from '../../config/organisation.ts';
import { ingestAuditFile } from '../../ingest/audits.ts';
import {
  BREACH_LABELS,
  integer,
  type Lang,
  label,
  POOLING_LABELS,
  pct,
  points,
  STATUS_LABELS,
  frenchNumber,
} from '../../providers/labels.ts';
import type { Organisation } from '../../providers/model.ts';
import { formatEuros } from '../../providers/penalties.ts';
import type { Card, Scorecard } from '../../providers/scorecard.ts';
import { type ProvidersContext, scorecards } from '../../providers/service.ts';
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

function langOf(value: string | undefined): Lang {
  if (value === undefined || value === 'fr') return 'fr';
  if (value === 'en') return 'en';
  throw new UsageError(`--lang ${value}: fr or en`);
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
}
