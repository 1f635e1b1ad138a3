import { MARGIN, type BarChart, type LineChart } from '@/lib/insights/charts';

/**
 * SVG charts drawn on the server from the geometry of lib/insights/charts.ts (d3). Each is an
 * image with a name for screen readers (`label`); the same figures are in a table beside it.
 * The viewBox scales to the box, so a chart never makes a page wider than a phone.
 */

function Axes({ chart, children }: { chart: { width: number; height: number; yTicks: { at: number; label: string }[]; baseline: number }; children: React.ReactNode }) {
  return (
    <>
      {chart.yTicks.map((tick) => (
        <g key={tick.label}>
          <line x1={MARGIN.left} x2={chart.width - MARGIN.right} y1={tick.at} y2={tick.at} stroke="#e2e8f0" strokeWidth={1} />
          <text x={MARGIN.left - 4} y={tick.at} dy="0.32em" textAnchor="end" fontSize={10} fill="#475569">
            {tick.label}
          </text>
        </g>
      ))}
      {children}
      <line x1={MARGIN.left} x2={chart.width - MARGIN.right} y1={chart.baseline} y2={chart.baseline} stroke="#94a3b8" strokeWidth={1} />
    </>
  );
}

export function BarChartSvg({ chart, label, legend }: { chart: BarChart; label: string; legend?: { label: string; color: string }[] }) {
  return (
    <figure className="min-w-0">
      <svg viewBox={`0 0 ${chart.width} ${chart.height}`} role="img" aria-label={label} className="h-auto w-full max-w-3xl">
        <Axes chart={chart}>
          {chart.rects.map((rect, i) => (
            <rect key={i} x={rect.x} y={rect.y} width={rect.width} height={rect.height} fill={rect.color}>
              {rect.title ? <title>{rect.title}</title> : null}
            </rect>
          ))}
          {chart.xLabels.map((tick, i) => (
            <text key={i} x={tick.at} y={chart.height - 6} textAnchor="middle" fontSize={10} fill="#475569">
              {tick.label}
            </text>
          ))}
        </Axes>
      </svg>
      {legend ? <Legend items={legend} /> : null}
    </figure>
  );
}

export function LineChartSvg({ chart, label, legend, color = '#047857' }: { chart: LineChart; label: string; legend?: { label: string; color: string }[]; color?: string }) {
  return (
    <figure className="min-w-0">
      <svg viewBox={`0 0 ${chart.width} ${chart.height}`} role="img" aria-label={label} className="h-auto w-full max-w-3xl">
        <Axes chart={chart}>
          <path d={chart.path} fill="none" stroke={color} strokeWidth={2} />
          {chart.xTicks.map((tick) => (
            <text key={tick.label} x={tick.at} y={chart.height - 6} textAnchor="middle" fontSize={10} fill="#475569">
              {tick.label}
            </text>
          ))}
        </Axes>
      </svg>
      {legend ? <Legend items={legend} /> : null}
    </figure>
  );
}

export function Legend({ items }: { items: { label: string; color: string }[] }) {
  return (
    <figcaption className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
      {items.map((item) => (
        <span key={item.label} className="inline-flex items-center gap-1.5">
          <span aria-hidden="true" className="size-2.5 rounded-sm" style={{ backgroundColor: item.color }} />
          {item.label}
        </span>
      ))}
    </figcaption>
  );
}

/** A share (0..1) as a thin bar in a table cell, after its number. */
export function ShareBar({ value, color = '#059669' }: { value: number | null; color?: string }) {
  const width = value === null ? 0 : Math.max(0, Math.min(1, value)) * 100;
  return (
    <span aria-hidden="true" className="ml-2 inline-block h-1.5 w-16 overflow-hidden rounded-full bg-slate-100 align-middle">
      <span className="block h-full rounded-full" style={{ width: `${width}%`, backgroundColor: color }} />
    </span>
  );
}
