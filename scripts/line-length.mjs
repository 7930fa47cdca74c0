#!/usr/bin/env node
// No line of code or tests over 140 characters (`npm run lint`). Biome's formatter wraps code at 140 but leaves long
// strings, comments and template literals alone; this check catches those. Lists every offender, exits 1 if any.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** @default the longest line allowed, the formatter's `lineWidth` too (biome.json) */
const maxLength = 140;
/** Generated from openapi.yaml by openapi-typescript (npm run generate:sdk): not ours to wrap. */
const generated = new Set(['sdk/src/schema.d.ts']);

// Tracked and new (not ignored) files, so a file not yet committed is checked too.
const files = execFileSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', '*.ts', '*.js', '*.mjs', '*.cjs'],
  {
    encoding: 'utf8',
  },
)
  .split('\0')
  .filter((f) => f && !generated.has(f));

const offenders = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // listed by git but deleted in the work tree
  }
  text.split('\n').forEach((line, i) => {
    if (line.length > maxLength) offenders.push(`${file}:${i + 1}: ${line.length} characters`);
  });
}

if (offenders.length) {
  console.error(`${offenders.join('\n')}\n${offenders.length} line(s) over ${maxLength} characters: wrap them.`);
  process.exit(1);
}
console.log(`line length: ${files.length} files, no line over ${maxLength} characters`);
