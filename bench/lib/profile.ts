import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './machine';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

/** A wall-clock window to restrict the profile to, with the wall time the profile started at. */
export interface ProfileWindow {
  /** Wall ms when the profiled process started (its profile's startTime). */
  origin: number;
  from: number;
  to: number;
}

const idle = new Set(['(idle)', '(program)']);

/** Where a function lives: its package, its libs/ area, or the runtime. */
const moduleOf = (url: string): string => {
  if (!url) return '(native: V8, sqlite, GC)';
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1];
  if (path.startsWith('node:')) return `node:${path.split('/')[1] ?? path}`;
  const rel = relative(repoRoot, path);
  return rel.split('/').slice(0, 2).join('/');
};

/**
 * Self time per function and per module of the V8 CPU profiles in `dir` (optionally only the
 * samples inside a wall-clock window), as % of busy (non-idle) time.
 */
export const summarizeProfile = (dir: string, window?: ProfileWindow, limit = 25, thread = '0') => {
  const byFn = new Map<string, number>();
  const byModule = new Map<string, number>();
  /** Inclusive (self + callees) time of the project's own functions, counted once per sample. */
  const inclusive = new Map<string, number>();
  let busy = 0;
  let idleUs = 0;
  // Profiles of one process share a monotonic clock: worker threads' samples are placed by the main thread's start.
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const main = files.find((f) => f.split('.')[4] === '0');
  const origin = main ? (JSON.parse(readFileSync(join(dir, main), 'utf8')) as CpuProfile).startTime : undefined;
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (tsx's loader runs in a worker).
  for (const file of files.filter((f) => f.split('.')[4] === thread)) {
    const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const nodes = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const own = (id: number) => {
      const f = nodes.get(id)!;
      return f.url.includes('/libs/') || f.url.includes('/functions/')
        ? `${f.functionName || '(anonymous)'} [${relative(repoRoot, f.url.replace(/^file:\/\//, ''))}]`
        : undefined;
    };
    let t = p.startTime;
    p.samples.forEach((id, i) => {
      const us = p.timeDeltas[i] ?? 0;
      t += us;
      if (window) {
        const wall = window.origin + (t - (origin ?? p.startTime)) / 1000;
        if (wall < window.from || wall > window.to) return;
      }
      const f = nodes.get(id)!;
      const name = f.functionName || '(anonymous)';
      if (idle.has(name)) {
        idleUs += us;
        return;
      }
      const key = `${name} [${f.url ? relative(repoRoot, f.url.replace(/^file:\/\//, '')) : 'native'}]`;
      byFn.set(key, (byFn.get(key) ?? 0) + us);
      byModule.set(moduleOf(f.url), (byModule.get(moduleOf(f.url)) ?? 0) + us);
      busy += us;
      const seen = new Set<string>();
      for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
        const k = own(n);
        if (k && !seen.has(k)) {
          seen.add(k);
          inclusive.set(k, (inclusive.get(k) ?? 0) + us);
        }
      }
    });
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((us / busy) * 1000) / 10 }));
  return {
    busyMs: Math.round(busy / 1000),
    idleMs: Math.round(idleUs / 1000),
    functions: top(byFn, limit),
    modules: top(byModule, 15),
    inclusive: top(inclusive, limit),
  };
};

/** The threads with a profile in `dir`: '0' (main) first, then worker threads (tsx's loader). */
const threadsOf = (dir: string): string[] => {
  const ids = new Set(
    readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => f.split('.')[4]),
  );
  return [...ids].sort((a, b) => Number(a) - Number(b));
};

/** Prints the profile summary as tables: the main thread's, then each worker thread's that was busy in the window. */
export const printProfile = (dir: string, window?: ProfileWindow, limit = 25): void => {
  for (const thread of threadsOf(dir)) {
    if (thread === '0') printThread(dir, window, limit, thread);
    else if (summarizeProfile(dir, window, limit, thread).busyMs >= 50) printThread(dir, window, 12, thread);
  }
  process.stdout.write(`  (profile files kept in ${dir})\n`);
};

const printThread = (dir: string, window: ProfileWindow | undefined, limit: number, thread: string): void => {
  const s = summarizeProfile(dir, window, limit, thread);
  const span = window ? ` between ${new Date(window.from).toISOString()} and ${new Date(window.to).toISOString()}` : '';
  const which = thread === '0' ? 'main thread' : `worker thread ${thread}`;
  process.stdout.write(
    `\n-- server CPU profile, ${which}${span}: busy ${s.busyMs} ms, idle ${s.idleMs} ms --\n  self time by module (% of busy):\n`,
  );
  for (const r of s.modules) process.stdout.write(`  ${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(7)} ms  ${r.name}\n`);
  process.stdout.write('  self time by function (% of busy; tsx-compiled files lose their line numbers):\n');
  for (const r of s.functions) process.stdout.write(`  ${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(7)} ms  ${r.name}\n`);
  process.stdout.write('  inclusive time of project functions (% of busy):\n');
  for (const r of s.inclusive) process.stdout.write(`  ${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(7)} ms  ${r.name}\n`);
};
