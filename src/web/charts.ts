/**
 * Line and bar charts drawn by uPlot, each in a figure with its caption and its figures as a table
 * (the text equivalent, in a `<details>` under the chart), and an `aria-label` saying what it shows.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type Child, h, svg } from './dom.ts';
import { formatShortDay, type Lang } from './format.ts';
import { lang, t } from './i18n.ts';

/** Colours with at least 4.5:1 contrast on white, distinguishable without colour by dash patterns. */
export const PALETTE = [
  '#1f4e9c',
  '#b3261e',
  '#1b6e3a',
  '#7a4d00',
  '#6a1b9a',
  '#00607a',
  '#8a2c5b',
  '#4a4a4a',
];
const DASHES: (number[] | undefined)[] = [
  undefined,
  [6, 3],
  [2, 3],
  [10, 3, 2, 3],
  [1, 2],
  [8, 2],
  [4, 4],
  [12, 4],
];

export interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly bars?: boolean;
  readonly color?: string;
}

export interface ChartSpec {
  readonly title: string;
  /** Calendar days `YYYY-MM-DD`, one per point. */
  readonly days: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly format: (value: number | null) => string;
  /** Labels of the points in the table (defaults to the short days). */
  readonly pointLabels?: readonly string[];
  readonly height?: number;
  readonly id?: string;
}

const charts = new Set<uPlot>();

/** Destroys the charts of the page being left. */
export function destroyCharts(): void {
  for (const chart of charts) chart.destroy();
  charts.clear();
}

function daySeconds(day: string): number {
  return Date.parse(`${day}T12:00:00Z`) / 1000;
}

export function chartFigure(spec: ChartSpec): HTMLElement {
  const language: Lang = lang();
  const labels = spec.pointLabels ?? spec.days.map((day) => formatShortDay(day, language));
  const summary = spec.series
    .map((s) => `${s.label} : ${s.values.map((v, i) => `${labels[i] ?? ''} ${spec.format(v)}`).join(', ')}`)
    .join(' ; ');
  const plot = h('div', {
    class: 'chart-plot',
    role: 'img',
    'aria-label': `${spec.title}. ${summary}`,
    'data-chart': spec.id ?? '',
  });
  const table = h(
    'table',
    { class: 'data compact' },
    h('caption', { class: 'visually-hidden' }, spec.title),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, t('col.day')),
        spec.series.map((s) => h('th', { scope: 'col' }, s.label)),
      ),
    ),
    h(
      'tbody',
      null,
      labels.map((label, i) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, label),
          spec.series.map((s) => h('td', { class: 'num' }, spec.format(s.values[i] ?? null))),
        ),
      ),
    ),
  );
  const figure = h(
    'figure',
    { class: 'chart' },
    h('figcaption', null, spec.title),
    plot,
    h('details', null, h('summary', null, t('app.chartData')), h('div', { class: 'table-scroll' }, table)),
  );
  mountWhenSized(plot, spec);
  return figure;
}

function mountWhenSized(plot: HTMLElement, spec: ChartSpec): void {
  let chart: uPlot | undefined;
  const observer = new ResizeObserver(() => {
    const width = Math.floor(plot.clientWidth);
    if (width <= 0) return;
    if (chart === undefined) {
      chart = create(plot, spec, width);
      charts.add(chart);
    } else if (Math.abs(chart.width - width) > 2) {
      chart.setSize({ width, height: spec.height ?? 220 });
    }
    if (!plot.isConnected) {
      observer.disconnect();
    }
  });
  observer.observe(plot);
}

function create(plot: HTMLElement, spec: ChartSpec, width: number): uPlot {
  const language = lang();
  const xs = spec.days.map(daySeconds);
  const bars = uPlot.paths.bars?.({ size: [0.6, 40] });
  const series: uPlot.Series[] = [
    { label: t('col.day'), value: (_u, v) => (v === null ? '' : formatShortDay(dayOf(v), language)) },
    ...spec.series.map((s, i): uPlot.Series => {
      const color = s.color ?? PALETTE[i % PALETTE.length] ?? '#1f4e9c';
      const dash = DASHES[i % DASHES.length];
      return {
        label: s.label,
        stroke: color,
        width: i === 0 ? 2.5 : 1.75,
        ...(s.bars && bars ? { paths: bars, fill: `${color}99`, points: { show: false } } : {}),
        ...(dash && !s.bars ? { dash } : {}),
        spanGaps: false,
        value: (_u, v) => spec.format(v),
      };
    }),
  ];
  const data: uPlot.AlignedData = [xs, ...spec.series.map((s) => s.values.map((v) => v ?? null))];
  const font = '12px system-ui, sans-serif';
  // Points given their own labels (weeks) are categories: one tick each, labelled as given.
  const labels = spec.pointLabels;
  const _step = xs.length > 1 ? ((xs.at(-1) ?? 0) - (xs[0] ?? 0)) / (xs.length - 1) : 86_400;
  const _hasBars = spec.series.some((s) => s.bars);
  const options: uPlot.Options = {
    width,
    height: spec.height ?? 220,
    series,
    scales: {
      x: { time: false },
      y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
    },
    axes: [
      {
        font,
        stroke: '#333',
        grid: { stroke: '#e4e4e4' },
        ...(labels
          ? {
              splits: () => xs,
              values: (_u: uPlot, splits: number[]) => splits.map((v) => labels[xs.indexOf(v)] ?? ''),
            }
          : {
              values: (_u: uPlot, splits: number[]) => splits.map((v) => formatShortDay(dayOf(v), language)),
            }),
        space: 40,
      },
      {
        font,
        stroke: '#333',
        grid: { stroke: '#e4e4e4' },
        values: (_u, splits) => splits.map((v) => spec.format(v)),
        size: 64,
      },
    ],
    legend: { show: true, live: false },
    cursor: { show: true, drag: { x: false, y: false } },
  };
  return new uPlot(options, data, plot);
}

function dayOf(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** A tiny line of the answer rate for a table row (SVG, no library): its figures in the aria-label. */
export function sparkline(values: readonly (number | null)[], label: string): Child {
  const width = 84;
  const height = 22;
  const points = values
    .map((v, i) =>
      v === null
        ? null
        : `${((i / Math.max(values.length - 1, 1)) * width).toFixed(1)},${(height - 2 - v * (height - 4)).toFixed(1)}`,
    )
    .filter((p): p is string => p !== null);
  return svg(
    'svg',
    {
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': label,
      class: 'sparkline',
    },
    svg('polyline', { points: points.join(' '), fill: 'none', stroke: '#1f4e9c', 'stroke-width': 1.5 }),
  );
}
