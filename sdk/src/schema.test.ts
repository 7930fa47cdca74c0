import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The SDK's types are generated from openapi.yaml; this keeps the committed copy from drifting. */

const root = join(__dirname, '..', '..');
const committedPath = join(root, 'sdk', 'src', 'schema.d.ts');
const cli = join(root, 'node_modules', '.bin', 'openapi-typescript');
const fix = 'Run `npm run generate:sdk` and commit sdk/src/schema.d.ts.';

const normalise = (text: string): string => text.replace(/\r\n/g, '\n');

const generate = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'punctual-sdk-schema-'));
  try {
    const out = join(dir, 'schema.d.ts');
    execFileSync(process.execPath, [cli, 'openapi.yaml', '-o', out], { cwd: root, stdio: 'pipe' });
    return normalise(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('sdk/src/schema.d.ts', () => {
  it('equals what openapi-typescript generates from openapi.yaml', () => {
    if (!existsSync(committedPath)) throw new Error(`sdk/src/schema.d.ts is missing. ${fix}`);
    const fresh = generate();
    const committed = normalise(readFileSync(committedPath, 'utf8'));
    if (fresh === committed) return;
    const freshLines = fresh.split('\n');
    const committedLines = committed.split('\n');
    const line = freshLines.findIndex((l, i) => l !== committedLines[i]);
    const at = line === -1 ? committedLines.length : line;
    throw new Error(
      `sdk/src/schema.d.ts is out of date with openapi.yaml (first difference at line ${at + 1}:\n` +
        `  committed: ${committedLines[at] ?? '<end of file>'}\n  generated: ${freshLines[at] ?? '<end of file>'}).\n${fix}`,
    );
  }, 60_000);
});
