// Small SVG charts: a line with an area under it and a bar chart. No library: the panel
// needs two shapes, drawn crisp at any width, in the theme's colours.

import { useEffect, useId, useRef, useState, type RefObject } from 'react';

/** One point of a series. */
export interface Point {
  label: string;
  value: number;
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const scaled = value / power;
  const nice = scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10;
  return nice * power;
}

const HEIGHT = 180;
const PAD = { top: 12, right: 8, bottom: 24, left: 64 };

/** The rendered width of an element, so the chart draws in real pixels (no squeezed text). */
function useWidth<T extends Element>(fallback: number): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver((entries) => {
      const next = Math.round(entries[0]?.contentRect.width ?? fallback);
      if (next > 0) setWidth(next);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [fallback]);
  return [ref, width];
}

/** A line chart with a soft area; hover or focus shows a point's value. */
export function LineChart(props: { points: readonly Point[]; format(value: number): string; axisFormat?(value: number): string; label: string; tone?: 'accent' | 'green' | 'violet'; kind?: 'line' | 'bars'; integer?: boolean }) {
  const id = useId();
  const [ref, WIDTH] = useWidth<HTMLElement>(600);
  const axisFormat = props.axisFormat ?? props.format;
  const [active, setActive] = useState<number | null>(null);
  const { points } = props;
  const max = niceMax(Math.max(0, ...points.map((point) => point.value)));
  const innerWidth = WIDTH - PAD.left - PAD.right;
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const step = points.length > 1 ? innerWidth / (points.length - 1) : innerWidth;
  const x = (index: number) => PAD.left + (points.length > 1 ? index * step : innerWidth / 2);
  const y = (value: number) => PAD.top + innerHeight - (value / max) * innerHeight;
  const line = points.map((point, index) => `${index === 0 ? 'M' : 'L'}${x(index).toFixed(1)},${y(point.value).toFixed(1)}`).join(' ');
  const area = points.length > 0 ? `${line} L${x(points.length - 1).toFixed(1)},${y(0)} L${x(0).toFixed(1)},${y(0)} Z` : '';
  // Counts get no "2.5 orders" gridline.
  const ticks = props.integer && !Number.isInteger(max / 2) ? [0, max] : [0, max / 2, max];
  const labelEvery = Math.max(1, Math.ceil(points.length / Math.max(2, Math.floor(innerWidth / 70))));
  const total = points.reduce((sum, point) => sum + point.value, 0);
  const bars = props.kind === 'bars';
  const barWidth = Math.max(2, Math.min(18, (innerWidth / Math.max(1, points.length)) * 0.6));
  const shown = active === null ? undefined : points[active];

  return (
    <figure className={`chart chart-${props.tone ?? 'accent'}`} ref={ref}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT} role="img" aria-label={`${props.label}: ${props.format(total)}`} onMouseLeave={() => setActive(null)}>
        <defs>
          <linearGradient id={`${id}-fill`} x1="0" x2="0" y1="0" y2="1">
            <stop offset="0%" stopColor="currentColor" stopOpacity="0.28" />
            <stop offset="100%" stopColor="currentColor" stopOpacity="0" />
          </linearGradient>
        </defs>
        {ticks.map((tick) => (
          <g key={tick}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} className="chart-grid" />
            <text x={PAD.left - 6} y={y(tick) + 4} textAnchor="end" className="chart-axis">
              {axisFormat(tick)}
            </text>
          </g>
        ))}
        {points.map((point, index) =>
          index % labelEvery === 0 || index === points.length - 1 ? (
            <text key={`l${index}`} x={x(index)} y={HEIGHT - 6} textAnchor={index === 0 ? 'start' : index === points.length - 1 ? 'end' : 'middle'} className="chart-axis">
              {point.label}
            </text>
          ) : null,
        )}
        {bars ? (
          points.map((point, index) => (
            <rect key={index} x={x(index) - barWidth / 2} y={y(point.value)} width={barWidth} height={Math.max(0, y(0) - y(point.value))} rx="2" className={`chart-bar ${active === index ? 'active' : ''}`} />
          ))
        ) : (
          <>
            <path d={area} fill={`url(#${id}-fill)`} className="chart-area" />
            <path d={line} className="chart-line" vectorEffect="non-scaling-stroke" />
          </>
        )}
        {shown && active !== null ? (
          <g>
            <line x1={x(active)} x2={x(active)} y1={PAD.top} y2={y(0)} className="chart-cursor" />
            {bars ? null : <circle cx={x(active)} cy={y(shown.value)} r="4" className="chart-dot" />}
          </g>
        ) : null}
        {points.map((_, index) => (
          <rect
            key={`h${index}`}
            x={x(index) - (points.length > 1 ? step / 2 : innerWidth / 2)}
            y={PAD.top}
            width={points.length > 1 ? step : innerWidth}
            height={innerHeight}
            fill="transparent"
            onMouseEnter={() => setActive(index)}
          />
        ))}
      </svg>
      <figcaption className="chart-caption" aria-live="polite">
        {shown ? (
          <>
            <span className="muted">{shown.label}</span> <strong>{props.format(shown.value)}</strong>
          </>
        ) : (
          <span className="muted">{props.label}</span>
        )}
      </figcaption>
    </figure>
  );
}

/** A tiny trend line for a stat tile. */
export function Sparkline(props: { values: readonly number[] }) {
  const max = Math.max(1, ...props.values);
  const step = props.values.length > 1 ? 100 / (props.values.length - 1) : 100;
  const d = props.values.map((value, index) => `${index === 0 ? 'M' : 'L'}${(index * step).toFixed(1)},${(28 - (value / max) * 26).toFixed(1)}`).join(' ');
  return (
    <svg className="sparkline" viewBox="0 0 100 30" preserveAspectRatio="none" aria-hidden="true">
      <path d={d} vectorEffect="non-scaling-stroke" />
    </svg>
  );
}
