#!/usr/bin/env node
// Biome's `--error-on-warnings` fails on errors and warnings; its recommended rules of "info" severity (useTemplate,
// useLiteralKeys, noUselessCatch, ...) would pass silently and pile up. This fails on those too (`npm run lint`):
// `biome check` has printed them just before.
import { spawnSync } from 'node:child_process';

const run = spawnSync('npx', ['biome', 'lint', '--reporter=json', '--max-diagnostics=0', '.'], { encoding: 'utf8' });
let summary;
try {
  summary = JSON.parse(run.stdout).summary;
} catch {
  console.error(`biome lint gave no JSON report:\n${run.stdout}${run.stderr}`);
  process.exit(1);
}
if (summary.infos > 0) {
  console.error(`${summary.infos} Biome suggestion(s) of info severity: fix them (\`npx biome lint .\` lists them).`);
  process.exit(1);
}
