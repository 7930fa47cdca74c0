import { loadavg } from 'node:os';
import type { MachineInfo } from './machine';

type Figures = Record<string, unknown>;

const flatten = (obj: Figures, prefix = '', out: [string, string][] = []): [string, string][] => {
  for (const [k, v] of Object.entries(obj)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v as Figures, name, out);
    else out.push([name, Array.isArray(v) ? v.join(', ') : String(v)]);
  }
  return out;
};

/** Prints one grep-able `BENCH {json}` line and a human table of the same figures. */
export const report = (workload: string, params: Figures, figures: Figures, machine: MachineInfo, targets: Figures = {}): void => {
  // Load averages at the end of the workload: other work on the machine skews every figure.
  const load = loadavg().map((l) => Math.round(l * 100) / 100);
  const line = { workload, at: new Date().toISOString(), params, figures, targets, machine: { ...machine, loadavg: load } };
  const rows = flatten({
    params,
    figures,
    targets,
    machine: { cpus: machine.cpus, node: machine.node, commit: machine.commit, loadavg: load },
  });
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`\n== ${workload} ==\n`);
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
  process.stdout.write(`BENCH ${JSON.stringify(line)}\n`);
};

/** A progress note on stderr, so stdout stays figures only. */
export const note = (msg: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
};
