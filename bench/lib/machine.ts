import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

/** The repository root (bench/lib/ → ../..). */
export const repoRoot = join(__dirname, '..', '..');

const pkgVersion = (name: string): string => {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
};

const fsType = (dir: string): string => {
  try {
    return execFileSync('df', ['-T', dir], { encoding: 'utf8' }).trim().split('\n')[1]?.split(/\s+/)[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
};

/** The commit under test, with `+dirty` when the tree has uncommitted changes. */
const commit = (): string => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
};

/** What the figures were measured on. */
export const machineInfo = (dataRoot: string) => ({
  cpus: os.cpus().length,
  model: os.cpus()[0]?.model ?? 'unknown',
  totalMemMB: Math.round(os.totalmem() / 2 ** 20),
  platform: `${os.platform()} ${os.release()}`,
  node: process.version,
  betterSqlite3: pkgVersion('better-sqlite3'),
  undici: pkgVersion('undici'),
  punctual: (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version,
  dataDirFs: fsType(dataRoot),
  commit: commit(),
});
export type MachineInfo = ReturnType<typeof machineInfo>;
