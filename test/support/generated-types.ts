/** A drift check for TypeScript types generated from openapi.yaml and committed. Tests only. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const cli = join(root, 'node_modules', '.bin', 'openapi-typescript');

const normalise = (text: string): string => text.replace(/\r\n/g, '\n');

const generate = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'punctual-schema-'));
  try {
    const out = join(dir, 'schema.d.ts');
    execFileSync(process.execPath, [cli, 'openapi.yaml', '-o', out], { cwd: root, stdio: 'pipe' });
    return normalise(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/**
 * Registers a test that `committed` (a path from the repository root) equals what openapi-typescript
 * generates from openapi.yaml now, naming the first differing line and the npm `script` that fixes it.
 */
export const describeGeneratedTypes = (committed: string, script: string): void => {
  const fix = `Run \`npm run ${script}\` and commit ${committed}.`;
  describe(committed, () => {
    it('equals what openapi-typescript generates from openapi.yaml', () => {
      const committedPath = join(root, committed);
      if (!existsSync(committedPath)) throw new Error(`${committed} is missing. ${fix}`);
      const fresh = generate();
      const current = normalise(readFileSync(committedPath, 'utf8'));
      if (fresh === current) return;
      const freshLines = fresh.split('\n');
      const committedLines = current.split('\n');
      const line = freshLines.findIndex((l, i) => l !== committedLines[i]);
      const at = line === -1 ? committedLines.length : line;
      throw new Error(
        `${committed} is out of date with openapi.yaml (first difference at line ${at + 1}:\n` +
          `  committed: ${committedLines[at] ?? '<end of file>'}\n  generated: ${freshLines[at] ?? '<end of file>'}).\n${fix}`,
      );
    }, 60_000);
  });
};
