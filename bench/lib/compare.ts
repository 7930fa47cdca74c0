import { loadavg } from 'node:os';
import type { MachineInfo } from './machine';

/** One side of a comparison: a burst's headline figures. */
export interface Side {
  /** Column title, e.g. `cold (20)` or `BullMQ`. */
  label: string;
  /** Delivered / (last − first arrival). */
  deliveriesPerSec: number;
  /** Delivered / (last arrival − T0). */
  deliveriesPerSecFromT0: number;
  latenessP99Ms: number;
  lost: number;
  duplicates: number;
  /** Load average (1 min) when this side finished: a figure taken on a busy machine is noise. */
  load1?: number;
}

const ratio = (a: number, b: number): number => (b > 0 && Number.isFinite(a) ? Math.round((a / b) * 1000) / 1000 : NaN);

/** The 1-minute load average, rounded to 0.01. */
export const load1 = (): number => Math.round(loadavg()[0] * 100) / 100;

/**
 * Prints two bursts side by side with `a / b` ratios (rates: higher is better for `a`; p99: lower is), then one
 * grep-able `BENCH {json}` line. Targets are printed next to the ratios they bound.
 */
export const compare = (
  name: string,
  a: Side,
  b: Side,
  machine: MachineInfo,
  targets: { rateRatio?: string; p99Ratio?: string } = {},
): void => {
  const ratios = {
    deliveriesPerSec: ratio(a.deliveriesPerSec, b.deliveriesPerSec),
    deliveriesPerSecFromT0: ratio(a.deliveriesPerSecFromT0, b.deliveriesPerSecFromT0),
    latenessP99Ms: ratio(a.latenessP99Ms, b.latenessP99Ms),
  };
  const rows: [string, string, string, string, string][] = [
    [
      'delivered/s (first→last)',
      String(a.deliveriesPerSec),
      String(b.deliveriesPerSec),
      String(ratios.deliveriesPerSec),
      targets.rateRatio ?? '',
    ],
    [
      'delivered/s (T0→last)',
      String(a.deliveriesPerSecFromT0),
      String(b.deliveriesPerSecFromT0),
      String(ratios.deliveriesPerSecFromT0),
      '',
    ],
    ['lateness p99 ms', String(a.latenessP99Ms), String(b.latenessP99Ms), String(ratios.latenessP99Ms), targets.p99Ratio ?? ''],
    ['lost', String(a.lost), String(b.lost), '', '0'],
    ['duplicates', String(a.duplicates), String(b.duplicates), '', '0'],
    ['load average (1 min)', String(a.load1 ?? ''), String(b.load1 ?? ''), '', ''],
  ];
  const head: [string, string, string, string, string] = ['', a.label, b.label, `${a.label} / ${b.label}`, 'target'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}\n`;
  process.stdout.write(`\n== ${name} ==\n${line(head)}`);
  for (const r of rows) process.stdout.write(line(r));
  const load = loadavg().map((l) => Math.round(l * 100) / 100);
  const json = { workload: name, at: new Date().toISOString(), sides: [a, b], ratios, targets, machine: { ...machine, loadavg: load } };
  process.stdout.write(`BENCH ${JSON.stringify(json)}\n`);
};
