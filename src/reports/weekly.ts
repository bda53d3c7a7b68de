import type { Lang } from '../providers/labels.ts';
import type { WeeklyReport } from '../providers/service.ts';
import { htmlToPdf } from './pdf.ts';
import { renderWeeklyCsv } from './weekly-csv.ts';
import { renderWeeklyHtml } from './weekly-html.ts';

export const REPORT_FORMATS = ['html', 'pdf', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The weekly report in one of its formats, as the bytes of its file. */
export async function renderWeekly(
  report: WeeklyReport,
  format: ReportFormat,
  lang: Lang,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Buffer> {
  switch (format) {
    case 'html':
      return Buffer.from(renderWeeklyHtml(report, lang), 'utf8');
    case 'csv':
      return Buffer.from(renderWeeklyCsv(report, lang), 'utf8');
    case 'pdf':
      return htmlToPdf(renderWeeklyHtml(report, lang), env);
  }
}
