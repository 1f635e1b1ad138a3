import { scaleBand, scaleLinear, scaleLog } from 'd3-scale';
import { curveStepAfter, line } from 'd3-shape';

/**
 * Chart geometry with d3 (scales, ticks, paths): plain numbers and strings that the pages draw as
 * SVG on the server (app/_components/charts.tsx) and the PDF worker draws with react-pdf's Svg,
 * so a chart looks the same on screen, in print and in the PDF.
 */

export const MARGIN = { top: 8, right: 8, bottom: 22, left: 40 };

export type Rect = { x: number; y: number; width: number; height: number; color: string; title: string };
export type Tick = { at: number; label: string };
export type BarChart = { width: number; height: number; rects: Rect[]; yTicks: Tick[]; xLabels: Tick[]; baseline: number };

/**
 * Stacked vertical bars, one per item, a segment per series (values[i] of series i).
 * `label` names an item on the axis (every `labelEvery`-th); `title` is each segment's tooltip.
 */
export function stackedBars(
  items: { label: string; values: number[]; titles?: string[] }[],
  colors: string[],
  options: { width: number; height: number; formatTick: (value: number) => string; labelEvery?: number; max?: number },
): BarChart {
  const { width, height } = options;
  const totals = items.map((item) => item.values.reduce((sum, v) => sum + Math.max(0, v), 0));
  const y = scaleLinear()
    .domain([0, Math.max(options.max ?? 0, ...totals, 1)])
    .range([height - MARGIN.bottom, MARGIN.top])
    .nice(4);
  const x = scaleBand<number>()
    .domain(items.map((_, i) => i))
    .range([MARGIN.left, width - MARGIN.right])
    .padding(items.length > 40 ? 0.1 : 0.25);
  const rects: Rect[] = [];
  items.forEach((item, i) => {
    let top = y(0);
    item.values.forEach((value, s) => {
      if (value <= 0) return;
      const h = Math.max(0.5, y(0) - y(value));
      top -= h;
      rects.push({ x: x(i)!, y: top, width: x.bandwidth(), height: h, color: colors[s], title: item.titles?.[s] ?? '' });
    });
  });
  const every = options.labelEvery ?? Math.max(1, Math.ceil(items.length / 8));
  return {
    width,
    height,
    rects,
    baseline: y(0),
    yTicks: y.ticks(4).map((value) => ({ at: y(value), label: options.formatTick(value) })),
    xLabels: items.flatMap((item, i) => (i % every === 0 ? [{ at: x(i)! + x.bandwidth() / 2, label: item.label }] : [])),
  };
}

export type LineChart = { width: number; height: number; path: string; xTicks: Tick[]; yTicks: Tick[]; baseline: number };

/**
 * A cumulative step line: share (0..1) of the reports in by each time after sending, on a log
 * time axis (seconds to days in one width).
 */
export function cumulativeLine(
  points: { seconds: number; share: number }[],
  options: { width: number; height: number; formatSeconds: (seconds: number) => string; formatShare: (share: number) => string },
): LineChart {
  const { width, height } = options;
  const last = Math.max(10, ...points.map((p) => p.seconds));
  const x = scaleLog()
    .domain([1, last + 1])
    .range([MARGIN.left, width - MARGIN.right])
    .clamp(true);
  const y = scaleLinear().domain([0, 1]).range([height - MARGIN.bottom, MARGIN.top]);
  const path = line<{ seconds: number; share: number }>()
    .x((p) => x(p.seconds + 1))
    .y((p) => y(p.share))
    .curve(curveStepAfter)([{ seconds: 0, share: 0 }, ...points, ...(points.length ? [{ seconds: last, share: points[points.length - 1].share }] : [])]);
  const candidates = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 6 * 3600, 86_400, 3 * 86_400];
  const xTicks = candidates.filter((s) => s <= last).map((s) => ({ at: x(s + 1), label: options.formatSeconds(s) }));
  // No two labels closer than 34 units.
  const spaced: Tick[] = [];
  for (const tick of xTicks) if (!spaced.length || tick.at - spaced[spaced.length - 1].at >= 34) spaced.push(tick);
  return {
    width,
    height,
    path: path ?? '',
    baseline: y(0),
    xTicks: spaced,
    yTicks: [0, 0.5, 1].map((share) => ({ at: y(share), label: options.formatShare(share) })),
  };
}
