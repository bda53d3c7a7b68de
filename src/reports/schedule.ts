import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import type { Lang } from '../providers/labels.ts';
import type { SmtpSettings } from '../providers/model.ts';
import { type ProvidersContext, resolveWeek, type WeeklyReport, weeklyReport } from '../providers/service.ts';
import { UsageError } from '../shared/errors.ts';
import { findChromium } from './pdf.ts';
import { type ReportFormat, renderWeekly } from './weekly.ts';

/** One report of a Monday's batch: whose it is, who receives it, and its files. */
export interface ScheduledReport {
  readonly name: string;
  readonly provider: string | null;
  readonly client: string | null;
  readonly files: readonly string[];
}

export interface SentMail {
  readonly to: string;
  readonly recipient: string;
  readonly attachments: readonly string[];
}

export interface ScheduleResult {
  readonly week: string;
  readonly folder: string;
  readonly reports: readonly ScheduledReport[];
  readonly sent: readonly SentMail[];
  /** Already sent by an earlier run of the same week (the manifest says so): not sent again. */
  readonly alreadySent: readonly string[];
  /** Recipients without an e-mail address in the organisation file. */
  readonly noAddress: readonly string[];
  readonly pdf: boolean;
  readonly revised: readonly string[];
}

interface Manifest {
  sent: Record<string, string>;
}

/** The batch's folder: `--folder`, else the config's `report.folder` (relative to the config file). */
export function scheduleFolder(ctx: ProvidersContext, given: string | undefined): string {
  if (given !== undefined) return resolve(given);
  const folder = ctx.organisation.report.folder;
  if (folder === null)
    throw new UsageError(
      '--schedule : indiquez --folder ou report.folder dans le fichier d’organisation / give --folder or report.folder in the organisation file',
    );
  if (isAbsolute(folder) || ctx.organisation.file === '') return resolve(folder);
  return resolve(ctx.organisation.file, '..', folder);
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/**
 * The Monday batch: for the week just closed (or `week`), each provider's own report, each client's
 * report across its providers and, per provider, the client's view of that provider alone; written to
 * `<folder>/<week>/` as PDF (HTML when Chromium is absent) and CSV. When the organisation file has SMTP
 * settings, each provider receives its own report and each client all of its reports. A manifest in the
 * week's folder records what was sent: running it again the same week sends nothing twice.
 */
export async function runSchedule({
  ctx,
  folder,
  week: weekText,
  lang,
  env = process.env,
}: {
  ctx: ProvidersContext;
  folder: string;
  week?: string;
  lang: Lang;
  env?: NodeJS.ProcessEnv;
}): Promise<ScheduleResult> {
  const week = resolveWeek(weekText, ctx.now());
  const dir = join(folder, week.id);
  mkdirSync(dir, { recursive: true });
  const pdf = findChromium(env) !== undefined;
  const formats: ReportFormat[] = [pdf ? 'pdf' : 'html', 'csv'];
  const org = ctx.organisation;
  const reports: ScheduledReport[] = [];
  const revised: string[] = [];

  const write = async (name: string, input: { provider?: string; client?: string }) => {
    const report: WeeklyReport = await weeklyReport({ ctx, input: { week: week.id, ...input } });
    if (report.revision !== null) revised.push(name);
    const files: string[] = [];
    for (const format of formats) {
      const path = join(dir, `${name}.${format}`);
      const bytes = await renderWeekly(report, format, lang, env);
      // Written whole then renamed: a reader (or a mail) never sees half a report.
      writeFileSync(`${path}.part`, bytes);
      renameSync(`${path}.part`, path);
      files.push(path);
    }
    reports.push({ name, provider: input.provider ?? null, client: input.client ?? null, files });
    return report;
  };

  for (const p of org.providers) await write(`${week.id}-prestataire-${safeName(p.id)}`, { provider: p.id });
  for (const c of org.clients) {
    const all = await write(`${week.id}-client-${safeName(c.id)}`, { client: c.id });
    for (const card of all.scorecard.providers) {
      if (card.provider === null) continue;
      await write(`${week.id}-client-${safeName(c.id)}-prestataire-${safeName(card.provider)}`, {
        provider: card.provider,
        client: c.id,
      });
    }
  }

  const sent: SentMail[] = [];
  const alreadySent: string[] = [];
  const noAddress: string[] = [];
  const smtp = org.report.smtp;
  if (smtp !== null) {
    const manifestPath = join(dir, 'envois.json');
    const manifest: Manifest = existsSync(manifestPath)
      ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest)
      : { sent: {} };
    const mails: { recipient: string; to: string | null; reports: ScheduledReport[] }[] = [
      ...org.providers.map((p) => ({
        recipient: `provider:${p.id}`,
        to: p.email,
        reports: reports.filter((r) => r.provider === p.id && r.client === null),
      })),
      ...org.clients.map((c) => ({
        recipient: `client:${c.id}`,
        to: c.email,
        reports: reports.filter((r) => r.client === c.id),
      })),
    ];
    const transport = transportOf(smtp);
    try {
      for (const m of mails) {
        if (m.to === null) {
          noAddress.push(m.recipient);
          continue;
        }
        if (manifest.sent[m.recipient] !== undefined) {
          alreadySent.push(m.recipient);
          continue;
        }
        const attachments = m.reports.flatMap((r) => r.files);
        await transport.sendMail({
          from: smtp.from,
          to: m.to,
          subject: `Vigie — rapport hebdomadaire ${week.id} / weekly report ${week.id}`,
          text: mailText(week.id, week.monday, week.sunday, m.reports, revised),
          attachments: attachments.map((path) => ({ path, filename: path.slice(dir.length + 1) })),
          headers: { 'X-Vigie-Week': week.id, 'X-Vigie-Recipient': m.recipient },
        });
        manifest.sent[m.recipient] = ctx.now().toISOString();
        writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
        sent.push({
          to: m.to,
          recipient: m.recipient,
          attachments: attachments.map((p) => p.slice(dir.length + 1)),
        });
      }
    } finally {
      transport.close();
    }
  }
  return { week: week.id, folder: dir, reports, sent, alreadySent, noAddress, pdf, revised };
}

function transportOf(smtp: SmtpSettings) {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user === null ? {} : { auth: { user: smtp.user, pass: smtp.password ?? '' } }),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
}

function mailText(
  week: string,
  monday: string,
  sunday: string,
  reports: readonly ScheduledReport[],
  revised: readonly string[],
): string {
  const names = reports.map((r) => `  - ${r.name}${revised.includes(r.name) ? ' (révisé / revised)' : ''}`);
  return [
    `Bonjour,`,
    ``,
    `Veuillez trouver ci-joint le rapport hebdomadaire de la semaine ${week} (du ${monday} au ${sunday}) :`,
    ...names,
    ``,
    `Please find attached the weekly report for week ${week} (${monday} to ${sunday}).`,
    ``,
    `— Vigie`,
  ].join('\n');
}
