/**
 * Builds the tenant console (console/src, Preact + uPlot) into console/dist/app.js and app.css with esbuild: one
 * minified bundle each, nothing loaded from anywhere at run time. `npm start` runs it first (`--if-stale`: only when a
 * source is newer than the build), `npm run package` before bundling the docs Lambda, which inlines the files.
 *
 * esbuild is a devDependency: a production install (`npm ci --omit=dev`) keeps the build it was given and serves it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
/** Where the build goes (the embedded gateway reads it from there: libs/gateway/console.ts). */
export const consoleDist = join(__dirname, 'dist');
const sources = join(__dirname, 'src');

const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (max, e) => Math.max(max, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs),
    0,
  );

/** Whether the build is missing or older than a source file. */
export const consoleIsStale = (outdir: string = consoleDist): boolean => {
  const built = ['app.js', 'app.css'].map((f) => join(outdir, f));
  if (!built.every((f) => existsSync(f))) return true;
  return newest(sources) > Math.min(...built.map((f) => statSync(f).mtimeMs));
};

/** Builds the console into `outdir`; returns the files' sizes in bytes. */
export const buildConsole = async (outdir: string = consoleDist): Promise<Record<string, number>> => {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: 'console/src/main.tsx' },
    outdir,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome111', 'firefox111', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  return Object.fromEntries(Object.entries(result.metafile.outputs).map(([file, o]) => [file.replace(/^.*\//, ''), o.bytes]));
};

const main = async (): Promise<void> => {
  if (process.argv.includes('--if-stale') && !consoleIsStale()) return;
  try {
    require.resolve('esbuild');
  } catch {
    // A production install: serve the build it came with (or the page that says how to make one).
    console.warn(`punctual: esbuild is not installed; the console is served from ${consoleDist} as it is`);
    return;
  }
  const sizes = await buildConsole();
  if (!process.argv.includes('--quiet')) {
    console.log(
      `punctual: console built: ${Object.entries(sizes)
        .map(([f, b]) => `${f} ${(b / 1024).toFixed(1)} KiB`)
        .join(', ')}`,
    );
  }
};

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
