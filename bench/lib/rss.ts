import { readFileSync } from 'node:fs';

/** Resident memory of a process, in MB, from /proc/<pid>/status. */
export interface MemoryFigures {
  /** Largest VmRSS seen by the sampler. */
  rssMaxMB: number;
  /** Last VmRSS read. */
  rssLastMB: number;
  /** VmHWM: the kernel's own peak RSS of the process. */
  hwmMB: number;
}

const readStatus = (pid: number): { rss: number; hwm: number } | undefined => {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined; // the process is gone
  }
};

const mb = (kb: number) => Math.round(kb / 102.4) / 10;

/** Samples a process's RSS every `intervalMs` until stopped. */
export class RssSampler {
  private rssMax = 0;
  private rssLast = NaN;
  private hwm = NaN;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 250,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Reads now and returns the figures so far. */
  read(): MemoryFigures {
    this.sample();
    return { rssMaxMB: mb(this.rssMax), rssLastMB: mb(this.rssLast), hwmMB: mb(this.hwm) };
  }

  stop(): MemoryFigures {
    const figures = this.read();
    clearInterval(this.timer);
    return figures;
  }

  private sample(): void {
    const s = readStatus(this.pid);
    if (!s) return;
    this.rssLast = s.rss;
    this.rssMax = Math.max(this.rssMax, s.rss);
    this.hwm = s.hwm;
  }
}

/** User + system CPU seconds a process has used so far, from /proc/<pid>/stat (NaN once it is gone). */
export const cpuSeconds = (pid: number): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15; ticks are 100/s on Linux.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
};

/** Measures a process's CPU use between start and stop, as a % of one core. */
export const cpuMeter = (pid: number) => {
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  return (): number => Math.round(((cpuSeconds(pid) - c0) / ((performance.now() - t0) / 1000)) * 100);
};

/** The same for this (the bench) process. */
export const selfCpuMeter = () => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  return (): number => {
    const c = process.cpuUsage(c0);
    return Math.round(((c.user + c.system) / 1000 / (performance.now() - t0)) * 100);
  };
};
