#!/usr/bin/env node
// The test runner behind `npm test`: jest over every tier this machine can run. A tier whose real part is missing
// (moto_server and cfn-lint for AWS, Chromium for the console) is skipped with one line saying how to install it;
// CI (.ci/run) has them all first, so it never skips. Arguments are passed to jest.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const onPath = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

/** Optional tiers: the jest project, whether its real part is here, and how to get it. */
const tiers = [
  {
    project: 'aws',
    what: 'the AWS tier (moto_server and cfn-lint)',
    available: () => onPath('moto_server', ['--help']) && onPath('cfn-lint', ['--version']),
    hint: "pip install 'moto[server]==5.2.1' 'cfn-lint==1.51.0'",
  },
  {
    project: 'browser',
    what: 'the console browser tier (Chromium)',
    available: () => existsSync(process.env.PUNCTUAL_CHROMIUM ?? '/usr/bin/chromium'),
    hint: 'apt-get install -y chromium (or set PUNCTUAL_CHROMIUM to a Chromium binary)',
  },
];

const skipped = [];
for (const tier of tiers) {
  if (tier.available()) continue;
  skipped.push(tier.project);
  console.log(`punctual: skipped ${tier.what}: not installed here; to run it: ${tier.hint}`);
}
const args = [...(skipped.length ? ['--ignoreProjects', ...skipped] : []), ...process.argv.slice(2)];
const jest = spawnSync('npx', ['jest', ...args], { stdio: 'inherit' });
process.exit(jest.status ?? 1);
