import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

/** One line or bar series of a chart. */
export interface ChartSeries {
  label: string;
  /** CSS colour. */
  stroke: string;
  /** Draws bars instead of a line. */
  bars?: boolean;
  /** The axis it is read on: the left (`y`) or right (`y2`). */
  scale?: 'y' | 'y2';
  /** Formats a value for the legend. */
  value?: (v: number | null) => string;
}

/** Chart options: x values are unix seconds. */
export interface ChartProps {
  /** Accessible name and caption. */
  title: string;
  /** [x, ...one array per series]. */
  data: (number | null)[][];
  series: ChartSeries[];
  /** Labels of the left and right axes. */
  yLabel: string;
  y2Label?: string;
  height?: number;
  /** Formats the x axis' ticks (default: times). */
  xDates?: boolean;
}

/**
 * A uPlot chart (canvas, no inline script or style sheet: it fits the console's CSP) that follows its container's
 * width. The data is also summarised in a visually hidden table for screen readers, by the caller.
 */
export const Chart = ({ title, data, series, yLabel, y2Label, height = 240 }: ChartProps) => {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = JSON.stringify(series.map((s) => [s.label, s.bars, s.scale]));
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const bars = uPlot.paths.bars?.({ size: [0.7, 40] });
    const opts: uPlot.Options = {
      title,
      width: Math.max(200, el.clientWidth),
      height,
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.stroke,
          fill: s.bars ? `${s.stroke}55` : undefined,
          width: s.bars ? 1 : 2,
          scale: s.scale ?? 'y',
          spanGaps: false,
          ...(s.bars && bars ? { paths: bars, points: { show: false } } : {}),
          ...(s.value ? { value: (_u: uPlot, v: number | null) => s.value!(v) } : {}),
        })),
      ],
      axes: [
        { stroke: '#3d4451' },
        { label: yLabel, stroke: '#3d4451', scale: 'y' },
        ...(y2Label ? [{ label: y2Label, stroke: '#3d4451', scale: 'y2', side: 1 as const, grid: { show: false } }] : []),
      ],
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      legend: { live: true },
    };
    plot.current = new uPlot(opts, data as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape, title, yLabel, y2Label, height]);
  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);
  return <div class="chart" ref={box} role="img" aria-label={title} />;
};
