import type { Command } from 'commander';
import {
  CALL_COLUMNS,
  listCalls,
  listQuarantine,
  summariseCallers,
  type summariseProviders,
} from '../../calls/queries.ts';
import { normalisePhone } from '../../numbering/phone.ts';
import { UsageError } from '../../shared/errors.ts';
import { openStore } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { dbOption } from '../db-option.ts';
import { count, percent, renderCsv, renderTable, toJson } from '../format.ts';

function phoneFlag(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const result = normalisePhone(value);
  if (!result.ok) throw new UsageError(`--${name} ${value}: not a valid phone number`);
  return result.value;
}

/** `--from 2026-11-01` is the start of that day in Paris; a full ISO instant is taken as is. */
function dateFlag(name: string, value: string | undefined, endOfDay: boolean): Date | undefined {
  if (value === undefined) return undefined;
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(dayOnly ? `${value}T00:00:00+01:00` : value);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`--${name} ${value}: expected a date (2026-11-23) or an ISO 8601 time`);
  return dayOnly && endOfDay ? new Date(date.getTime() + 86_400_000) : date;
}

/** French display of an E.164 number: `+33162000000` → `01 62 00 00 00`. */
export function displayNumber(e164: string): string {
  if (/^\+33\d{9}$/.test(e164)) return `0${e164.slice(3)}`.replace(/(\d{2})(?=\d)/g, '$1 ');
  return e164;
}

export function registerCalls(program: Command, ctx: CliContext): void {
  program
    .command('calls')
    .description('list the stored calls')
    .option('--caller <number>', 'only this caller ID')
    .option('--callee <number>', 'only this callee')
    .option('--from <date>', 'from this day (Paris) or ISO instant, inclusive')
    .option('--to <date>', 'to this day (Paris, inclusive) or ISO instant (exclusive)')
    .option('--limit <n>', 'at most n calls', (v) => Number.parseInt(v, 10))
    .option('--json', 'JSON array')
    .option('--csv', 'CSV with a header row')
    .addOption(dbOption(ctx))
    .action(
      async (flags: {
        caller?: string;
        callee?: string;
        from?: string;
        to?: string;
        limit?: number;
        json?: boolean;
        csv?: boolean;
        db: string;
      }) => {
        const caller = phoneFlag('caller', flags.caller);
        const callee = phoneFlag('callee', flags.callee);
        const from = dateFlag('from', flags.from, false);
        const to = dateFlag('to', flags.to, true);
        const store = await openStore({ path: flags.db, readOnly: true });
        try {
          const calls = await listCalls(store, {
            ...(caller ? { caller } : {}),
            ...(callee ? { callee } : {}),
            ...(from ? { from } : {}),
            ...(to ? { to } : {}),
            ...(flags.limit === undefined ? {} : { limit: flags.limit }),
          });
          if (flags.json) ctx.out(toJson(calls));
          else if (flags.csv)
            ctx.out(
              renderCsv(
                CALL_COLUMNS,
                calls.map((c) => CALL_COLUMNS.map((k) => c[k])),
              ),
            );
          else {
            ctx.out(
              renderTable(
                ['début (UTC)', 'fournisseur', 'appelant', 'appelé', 'issue', 'conv. (s)', 'campagne'],
                calls.map((c) => [
                  c.started_at.toISOString().slice(0, 19).replace('T', ' '),
                  c.provider,
                  displayNumber(c.caller),
                  displayNumber(c.callee),
                  c.outcome + (c.short ? ' (court)' : ''),
                  c.talk_seconds === null ? '' : String(c.talk_seconds),
                  c.campaign ?? '',
                ]),
              ),
            );
            ctx.out(`${count(calls.length)} appels`);
          }
        } finally {
          store.close();
        }
      },
    );

  program
    .command('quarantine')
    .description('list the rows that could not be stored, with file, line, field and reason')
    .option('--file <path>', 'only the rows of this file')
    .option('--json', 'JSON array')
    .addOption(dbOption(ctx))
    .action(async (flags: { file?: string; json?: boolean; db: string }) => {
      const store = await openStore({ path: flags.db, readOnly: true });
      try {
        const rows = await listQuarantine(store, flags.file);
        if (flags.json) {
          ctx.out(
            toJson(
              rows.map((r) => ({
                file: r.file,
                line: r.line,
                field: r.field,
                raw: r.raw,
                reason: r.reason_code,
                reasonFr: r.reason_fr,
                reasonEn: r.reason_en,
              })),
            ),
          );
          return;
        }
        ctx.out(
          renderTable(
            ['fichier', 'ligne', 'champ', 'motif / reason', 'contenu'],
            rows.map((r) => [
              r.file,
              r.line === null ? '' : String(r.line),
              r.field ?? '',
              `${r.reason_fr} / ${r.reason_en}`,
              r.raw.replace(/\r?\n/g, '⏎').slice(0, 80),
            ]),
          ),
        );
        ctx.out(`${count(rows.length)} lignes en quarantaine`);
      } finally {
        store.close();
      }
    });

  program
    .command('summary')
    .description('per caller ID: attempts, answer rate, short calls, blocks, spam reports')
    .option('--json', 'JSON array')
    .addOption(dbOption(ctx))
    .action(async (flags: { json?: boolean; db: string }) => {
      const store = await openStore({ path: flags.db, readOnly: true });
      try {
        const rows = await summariseCallers(store);
        if (flags.json) ctx.out(toJson(rows));
        else ctx.out(renderCallerSummary(rows));
      } finally {
        store.close();
      }
    });
}

export function renderCallerSummary(rows: Awaited<ReturnType<typeof summariseCallers>>): string {
  return renderTable(
    [
      'numéro présenté',
      'fournisseurs',
      'tentatives',
      'tent./jour',
      'décroché',
      'appels courts',
      'conv. moy.',
      'bloqués',
      'signalements',
      'taux sign.',
    ],
    rows.map((r) => [
      displayNumber(r.caller),
      r.providers,
      count(r.attempts),
      r.attempts_per_day === null ? '–' : count(Math.round(r.attempts_per_day)),
      percent(r.answer_rate),
      percent(r.short_share),
      r.avg_talk_seconds === null ? '–' : `${Math.round(r.avg_talk_seconds)} s`,
      count(r.blocked),
      count(r.reports),
      percent(r.report_rate, 2),
    ]),
  );
}

export function renderProviderSummary(rows: Awaited<ReturnType<typeof summariseProviders>>): string {
  return renderTable(
    ['fournisseur', 'numéros', 'tentatives', 'décroché', 'appels courts', 'signalements', 'taux sign.'],
    rows.map((r) => [
      r.provider || '(inconnu)',
      count(r.callers),
      count(r.attempts),
      percent(r.answer_rate),
      percent(r.short_share),
      count(r.reports),
      percent(r.report_rate, 2),
    ]),
  );
}
