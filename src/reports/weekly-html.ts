import {
  BREACH_LABELS,
  frenchNumber,
  integer,
  type Lang,
  label,
  longDate,
  POOLING_LABELS,
  pct,
  points,
  STATUS_LABELS,
} from '../providers/labels.ts';
import { formatEuros } from '../providers/penalties.ts';
import type { Card } from '../providers/scorecard.ts';
import type { ReportNumber, WeeklyReport } from '../providers/service.ts';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const e = escapeHtml;

/** A CSS string literal for generated content (inside a <style>: no quote, backslash or `<` survives). */
export function cssString(text: string): string {
  return `"${text.replace(/[\\"<>\n\r]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}"`;
}

const T = {
  title: { fr: 'Rapport hebdomadaire des prestataires', en: 'Weekly provider report' },
  weekFromTo: {
    fr: (a: string, b: string) => `du ${a} au ${b}`,
    en: (a: string, b: string) => `from ${a} to ${b}`,
  },
  generated: { fr: 'Établi le', en: 'Issued on' },
  scope: { fr: 'Périmètre', en: 'Scope' },
  everyone: { fr: 'tous les prestataires', en: 'all providers' },
  scorecard: { fr: 'Tableau de bord', en: 'Scorecard' },
  perNumber: { fr: 'Par numéro présenté', en: 'Per caller ID' },
  charts: {
    fr: 'Taux de décroché (bleu) et de signalement (rouge) par numéro sur 8 semaines',
    en: 'Answer rate (blue) and report rate (red) per number over 8 weeks',
  },
  violations: { fr: 'Infractions au droit du démarchage', en: 'Telemarketing law violations' },
  breachesPenalties: { fr: 'Manquements au contrat et pénalités', en: 'Contract breaches and penalties' },
  gross: { fr: 'Brut', en: 'Gross' },
  due: { fr: 'Dû', en: 'Due' },
  capped: { fr: 'plafonné', en: 'capped' },
  firstLast: { fr: 'Premier / dernier appel', en: 'First / last call' },
  revisedText: {
    fr: 'Un fichier reçu après l’émission de ce rapport a modifié la semaine. Différences avec le rapport émis le',
    en: 'A file received after this report was issued changed the week. Differences with the report issued on',
  },
  before: { fr: 'avant', en: 'before' },
  after: { fr: 'après', en: 'after' },
  shown: {
    fr: (n: number, t: number) => `${n} premières sur ${t}`,
    en: (n: number, t: number) => `first ${n} of ${t}`,
  },
  total: { fr: 'Total', en: 'Total' },
  inboundHours: { fr: 'Heures sous le niveau de service', en: 'Hours below the service level' },
} as const;

function cardRows(cards: readonly Card[], lang: Lang, penalties: boolean): string {
  return cards
    .map((c) => {
      const breaches = Object.entries(c.clauseBreaches)
        .map(([t, n]) => `${n} ${e(BREACH_LABELS[t as keyof typeof BREACH_LABELS]?.[lang] ?? t)}`)
        .join('<br>');
      const statuses = Object.entries(c.statuses)
        .map(([s, n]) => `${n} ${e(STATUS_LABELS[s as keyof typeof STATUS_LABELS]?.[lang] ?? s)}`)
        .join(', ');
      return `<tr data-provider="${e(c.provider ?? '')}">
<td class="n">${c.rank}</td><td>${e(c.name)}</td><td class="n">${integer(c.attempts, lang)}</td>
<td class="n">${pct(c.answerRate, lang)}</td><td class="n">${points(c.answerRateTrend, lang)}</td>
<td class="n">${pct(c.reportRate, lang, 2)}</td><td>${c.numbers}${statuses === '' ? '' : ` (${statuses})`}</td>
<td class="n">${c.burnt.length}</td>
<td class="n">${c.violationsPer1000 === null ? '–' : c.violationsPer1000.toFixed(1).replace('.', lang === 'fr' ? ',' : '.')}</td>
<td>${breaches === '' ? '–' : breaches}</td>
<td class="n">${c.inbound === null ? '–' : `${pct(c.inbound.serviceLevel, lang)} / ${pct(c.inbound.abandonment, lang)}`}</td>
<td class="n">${c.mystery === null ? '–' : `${String(c.mystery.averageScore).replace('.', lang === 'fr' ? ',' : '.')} (${c.mystery.audits})`}</td>
<td class="n money">${penalties && c.penalties !== null ? formatEuros(c.penalties.dueCents, lang) : '–'}</td>
<td class="n">${String(c.score).replace('.', lang === 'fr' ? ',' : '.')}</td></tr>`;
    })
    .join('\n');
}

function cardTable(cards: readonly Card[], lang: Lang, penalties: boolean, cls: string): string {
  const heads = [
    'rank',
    'provider',
    'attempts',
    'answerRate',
    'trend',
    'reportRate',
    'numbers',
    'burnt',
    'violationsPer1000',
    'breaches',
    'inbound',
    'mystery',
    'penalties',
    'score',
  ] as const;
  return `<table class="${cls}"><thead><tr>${heads.map((h) => `<th>${e(label(h, lang))}</th>`).join('')}</tr></thead>
<tbody>${cardRows(cards, lang, penalties)}</tbody></table>`;
}

/** An inline SVG of a number's answer and report rates over its 8 weeks (each on its own scale). */
export function rateChart(n: ReportNumber, lang: Lang): string {
  const w = 240;
  const h = 80;
  const pad = 14;
  const weeks = n.history;
  const maxAnswer = Math.max(0.5, ...weeks.map((x) => x.answerRate ?? 0));
  const maxReport = Math.max(0.05, ...weeks.map((x) => x.reportRate ?? 0));
  const x = (i: number) => pad + (i * (w - 2 * pad)) / Math.max(1, weeks.length - 1);
  const y = (v: number, max: number) => h - pad - (v / max) * (h - 2 * pad);
  const series = (key: 'answerRate' | 'reportRate', max: number, colour: string, cls: string) => {
    const pts = weeks
      .map((wk, i) => ({ i, v: wk[key] }))
      .filter((p): p is { i: number; v: number } => p.v !== null);
    const line = pts.map((p) => `${x(p.i).toFixed(1)},${y(p.v, max).toFixed(1)}`).join(' ');
    return `<polyline class="${cls}" fill="none" stroke="${colour}" stroke-width="2" points="${line}"/>${pts
      .map(
        (p) =>
          `<circle class="${cls}-point" cx="${x(p.i).toFixed(1)}" cy="${y(p.v, max).toFixed(1)}" r="2.5" fill="${colour}" data-week="${e(weeks[p.i]?.week ?? '')}" data-value="${p.v.toFixed(4)}"><title>${e(weeks[p.i]?.week ?? '')} ${pct(p.v, lang, key === 'reportRate' ? 2 : 1)}</title></circle>`,
      )
      .join('')}`;
  };
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${e(frenchNumber(n.callerId))}">
<rect x="0" y="0" width="${w}" height="${h}" fill="#fafafa" stroke="#ddd"/>
<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#bbb"/>
<text x="2" y="10" font-size="8" fill="#1f5fbf">${e(pct(maxAnswer, lang, 0))}</text>
<text x="${w - 2}" y="10" font-size="8" fill="#c0392b" text-anchor="end">${e(pct(maxReport, lang, 0))}</text>
${series('answerRate', maxAnswer, '#1f5fbf', 'answer')}
${series('reportRate', maxReport, '#c0392b', 'report')}
<text x="${pad}" y="${h - 2}" font-size="8" fill="#555">${e(weeks[0]?.week ?? '')}</text>
<text x="${w - pad}" y="${h - 2}" font-size="8" fill="#555" text-anchor="end">${e(weeks[weeks.length - 1]?.week ?? '')}</text>
</svg>`;
}

const MAX_VIOLATION_ROWS = 300;

/** The weekly report as one self-contained HTML page (styles and charts inline), French by default. */
export function renderWeeklyHtml(r: WeeklyReport, lang: Lang = 'fr'): string {
  const s = r.scorecard;
  const scope = [
    r.provider === null ? T.everyone[lang] : `${label('provider', lang)} ${r.provider}`,
    r.client === null ? '' : `${label('client', lang)} ${r.client}`,
  ]
    .filter((x) => x !== '')
    .join(' · ');
  const revised =
    r.revision === null
      ? ''
      : `<div class="revised" id="revised"><strong>${e(label('revised', lang))}</strong> — ${e(T.revisedText[lang])} ${e(
          longDate(r.revision.issuedAt.slice(0, 10), lang),
        )} :
<table><thead><tr><th>${e(label('provider', lang))}</th><th></th><th>${e(T.before[lang])}</th><th>${e(T.after[lang])}</th></tr></thead><tbody>
${r.revision.differences
  .map((d) => {
    const fmt = (v: number) => (d.field === 'penaltiesDueCents' ? formatEuros(v, lang) : integer(v, lang));
    return `<tr><td>${e(d.provider)}</td><td>${e(d.field)}</td><td class="n">${fmt(d.before)}</td><td class="n">${fmt(d.after)}</td></tr>`;
  })
  .join('\n')}</tbody></table></div>`;
  const numbers = r.numbers
    .map(
      (
        n,
      ) => `<tr data-number="${e(n.callerId)}"><td class="num">${e(frenchNumber(n.callerId))}</td><td>${e(n.providers.join(', '))}</td>
<td class="n">${integer(n.attempts, lang)}</td><td class="n">${pct(n.answerRate, lang)}</td><td class="n">${integer(n.reports, lang)}</td>
<td class="n">${pct(n.reportRate, lang, 2)}</td><td>${e(n.status === null ? '–' : STATUS_LABELS[n.status][lang])}</td>
<td>${n.actions.length === 0 ? '–' : n.actions.map((a) => `${e(a.day)} ${e(a.action)} : ${e(a.reason)}`).join('<br>')}</td></tr>`,
    )
    .join('\n');
  const charts = r.numbers
    .map(
      (n) => `<figure><figcaption>${e(frenchNumber(n.callerId))}</figcaption>${rateChart(n, lang)}</figure>`,
    )
    .join('\n');
  const byRule = new Map<string, number>();
  for (const v of r.violations)
    byRule.set(`${v.provider}\u0000${v.rule}`, (byRule.get(`${v.provider}\u0000${v.rule}`) ?? 0) + 1);
  const violationSummary = [...byRule]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => {
      const [provider, rule] = k.split('\u0000');
      return `<tr><td>${e(provider ?? '')}</td><td><code>${e(rule ?? '')}</code></td><td class="n">${integer(n, lang)}</td></tr>`;
    })
    .join('\n');
  const violationRows = r.violations
    .slice(0, MAX_VIOLATION_ROWS)
    .map(
      (v) =>
        `<tr><td>${e(v.day)}</td><td>${e(v.provider)}</td><td>${e(v.site ?? '')}</td><td class="num">${e(frenchNumber(v.callerId))}</td><td><code>${e(v.rule)}</code></td><td><code>${e(v.callId)}</code></td></tr>`,
    )
    .join('\n');
  const penaltyRows = s.providers
    .flatMap((c) =>
      (c.penalties?.lines ?? []).map(
        (l) =>
          `<tr><td>${e(c.name)}</td><td>${e(l.month)}</td><td>${e(BREACH_LABELS[l.type][lang])}</td><td class="n">${integer(l.count, lang)}</td>
<td class="n money">${formatEuros(l.unitCents, lang)}</td><td class="n money">${formatEuros(l.grossCents, lang)}</td><td class="n money">${formatEuros(l.dueCents, lang)}</td></tr>`,
      ),
    )
    .join('\n');
  const totalDue = s.providers.reduce((sum, c) => sum + (c.penalties?.dueCents ?? 0), 0);
  const charged = new Map(
    s.providers.flatMap((c) =>
      (c.penalties?.breaches ?? []).map((b) => [`${b.type} ${b.day} ${b.subject} ${c.provider}`, b] as const),
    ),
  );
  const breachRows = s.breaches
    .map((b) => {
      const c = charged.get(`${b.type} ${b.day} ${b.subject} ${b.provider}`);
      const subject = /^\+\d+$/.test(b.subject) ? frenchNumber(b.subject) : b.subject;
      return `<tr><td>${e(b.day)}</td><td>${e(b.provider)}</td><td>${e(BREACH_LABELS[b.type][lang])}</td><td>${e(subject)}</td>
<td>${e(b.evidence)}</td><td><code>${e(b.firstCallId ?? '')}</code>${b.lastCallId !== null && b.lastCallId !== b.firstCallId ? ` … <code>${e(b.lastCallId)}</code>` : ''}</td>
<td class="n money">${c === undefined ? '–' : `${formatEuros(c.dueCents, lang)}${c.cappedBy === null ? '' : ` (${T.capped[lang]})`}`}</td></tr>`;
    })
    .join('\n');
  const pooling = s.pooling
    .map(
      (p) =>
        `<li><span class="num">${e(frenchNumber(p.callerId))}</span> — ${e(POOLING_LABELS[p.kind][lang])} — ${e(p.days.join(', '))}<ul>${p.parties
          .map(
            (party) =>
              `<li>${e(party.provider)} ${e(party.client ?? '')} ${e(party.campaign ?? '')} : ${integer(party.calls, lang)} ${e(label('attempts', lang).toLowerCase())}${
                party.firstCallId === null
                  ? ''
                  : ` · <code>${e(party.firstCallId)}</code> … <code>${e(party.lastCallId ?? '')}</code>`
              }</li>`,
          )
          .join(
            '',
          )}${p.assignments.map((a) => `<li>${e(a.provider)} ${e(a.client)} (${e(a.file)}:${a.line})</li>`).join('')}</ul></li>`,
    )
    .join('\n');
  const missedHours = s.serviceBuckets
    .filter((b) => b.missed)
    .map(
      (b) =>
        `<tr><td>${e(b.provider)}</td><td>${e(b.site ?? '')}</td><td>${e(b.day)}</td><td class="n">${b.hour === null ? '–' : `${b.hour} h`}</td><td class="n">${integer(b.calls, lang)}</td><td class="n">${pct(b.serviceLevel, lang)}</td><td class="n">${pct(b.abandonment, lang)}</td></tr>`,
    )
    .join('\n');
  const transfers = s.transferFlags
    .map((f) => `<li>${e(f.provider)} · ${e(f.site)} (${e(f.country)}) : ${e(f.reason)}</li>`)
    .join('');
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8">
<title>${e(T.title[lang])} ${e(r.week)}</title>
<style>
  @page {
    size: A4 landscape; margin: 14mm 10mm 16mm 10mm;
    @top-left { content: ${cssString(`Vigie · ${T.title[lang]} · ${r.week}`)}; font-size: 8px; color: #555; }
    @bottom-left { content: ${cssString(`${T.generated[lang]} ${longDate(r.generatedAt.slice(0, 10), lang)}`)}; font-size: 8px; color: #555; }
    @bottom-right { content: ${cssString(`${label('page', lang)} `)} counter(page) " / " counter(pages); font-size: 8px; color: #555; }
  }
  body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10px; color: #222; margin: 0; }
  h1 { font-size: 18px; margin: 0 0 4px; } h2 { font-size: 14px; margin: 12px 0 6px; border-bottom: 2px solid #1f5fbf; }
  section.page { break-before: page; } section.page:first-of-type { break-before: auto; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
  th, td { border: 1px solid #ccc; padding: 2px 4px; vertical-align: top; } th { background: #eef2f8; text-align: left; }
  td.n { text-align: right; white-space: nowrap; } .num { white-space: nowrap; } .money { font-weight: bold; }
  .revised { border: 2px solid #c0392b; background: #fdecea; padding: 6px; margin: 6px 0; }
  .charts { display: flex; flex-wrap: wrap; gap: 6px; } figure { margin: 0; } figcaption { font-size: 9px; }
  .meta { color: #555; }
</style></head>
<body data-week="${e(r.week)}">
<section class="page" id="scorecard">
<h1>${e(T.title[lang])} — ${e(label('week', lang))} ${e(r.week)}</h1>
<p class="meta">${e(T.weekFromTo[lang](longDate(r.from, lang), longDate(r.to, lang)))} · ${e(T.scope[lang])}${lang === 'fr' ? ' :' : ':'} ${e(scope)} · ${e(T.generated[lang])} ${e(longDate(r.generatedAt.slice(0, 10), lang))}</p>
${revised}
<h2>${e(T.scorecard[lang])} — ${e(label('providers', lang))}</h2>
${cardTable(s.providers, lang, true, 'providers')}
<h2>${e(label('sites', lang))}</h2>
${cardTable(s.sites, lang, false, 'sites')}
${s.clients.length === 0 ? '' : `<h2>${e(label('clients', lang))}</h2>${cardTable(s.clients, lang, true, 'clients')}`}
${transfers === '' ? '' : `<h2>${e(label('transfers', lang))}</h2><ul>${transfers}</ul>`}
</section>
<section class="page" id="numbers">
<h2>${e(T.perNumber[lang])}</h2>
<table class="numbers"><thead><tr><th>${e(label('number', lang))}</th><th>${e(label('provider', lang))}</th><th>${e(label('attempts', lang))}</th><th>${e(label('answerRate', lang))}</th><th>${e(label('reports', lang))}</th><th>${e(label('reportRate', lang))}</th><th>${e(label('status', lang))}</th><th>${e(label('actions', lang))}</th></tr></thead>
<tbody>${numbers}</tbody></table>
<h2>${e(T.charts[lang])}</h2>
<div class="charts">${charts}</div>
</section>
<section class="page" id="violations">
<h2>${e(T.violations[lang])} (${integer(r.violations.length, lang)})</h2>
<table class="violation-summary"><thead><tr><th>${e(label('provider', lang))}</th><th>${e(label('rule', lang))}</th><th>${e(label('count', lang))}</th></tr></thead><tbody>${violationSummary}</tbody></table>
${r.violations.length > MAX_VIOLATION_ROWS ? `<p class="meta">${e(T.shown[lang](MAX_VIOLATION_ROWS, r.violations.length))} (CSV : toutes)</p>` : ''}
<table class="violations"><thead><tr><th>${e(label('day', lang))}</th><th>${e(label('provider', lang))}</th><th>${e(label('site', lang))}</th><th>${e(label('number', lang))}</th><th>${e(label('rule', lang))}</th><th>call_id</th></tr></thead><tbody>${violationRows}</tbody></table>
</section>
<section class="page" id="penalties">
<h2>${e(T.breachesPenalties[lang])}</h2>
<table class="penalties"><thead><tr><th>${e(label('provider', lang))}</th><th>${e(label('month', lang))}</th><th>${e(label('type', lang))}</th><th>${e(label('count', lang))}</th><th>${e(label('amount', lang))}</th><th>${e(T.gross[lang])}</th><th>${e(T.due[lang])}</th></tr></thead>
<tbody>${penaltyRows}<tr><td colspan="6"><strong>${e(T.total[lang])}</strong></td><td class="n money" id="total-due">${formatEuros(totalDue, lang)}</td></tr></tbody></table>
<table class="breaches"><thead><tr><th>${e(label('day', lang))}</th><th>${e(label('provider', lang))}</th><th>${e(label('type', lang))}</th><th>${e(label('number', lang))}</th><th>${e(label('evidence', lang))}</th><th>${e(T.firstLast[lang])}</th><th>${e(T.due[lang])}</th></tr></thead><tbody>${breachRows}</tbody></table>
${missedHours === '' ? '' : `<h2>${e(T.inboundHours[lang])}</h2><table class="service"><thead><tr><th>${e(label('provider', lang))}</th><th>${e(label('site', lang))}</th><th>${e(label('day', lang))}</th><th></th><th>${e(label('count', lang))}</th><th>${e(label('inbound', lang))}</th><th>${e(label('abandonment', lang))}</th></tr></thead><tbody>${missedHours}</tbody></table>`}
<h2>${e(label('pooling', lang))} (${s.pooling.length})</h2>
<ul class="pooling">${pooling === '' ? `<li>${e(label('none', lang))}</li>` : pooling}</ul>
</section>
</body></html>
`;
}
