import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver } from '../test/support/receiver';
import { routes } from '../libs/http/routes';
import { loadLocalConfig } from '../libs/runtime/config';
import { startLocal } from '../libs/runtime/local';
import { createLogger } from '../libs/observability/logger';
import { runCrashRounds } from './crash';
import { fuzzRoutes, prepareFuzzFixture } from './fuzz';
import { newTenantClient } from './http';
import { startChild } from '../e2e/support/child';
import { measureLateness } from './lateness';
import { runNoisyNeighbour } from './noisy';
import { runShutdown } from './shutdown';
import { makeSick, runSickReceivers } from './sick';

/**
 * `npm run chaos [-- crash shutdown sick noisy fuzz]`: the long reliability runs, on loopback only.
 * Prints a table per scenario and one `CHAOS {json}` line; exits 1 when an invariant broke
 * (anything lost, a 5xx, a contract violation, a redelivery of an acknowledged message).
 * Sizes come from the environment: CHAOS_MESSAGES (20000), CHAOS_ROUNDS (5), CHAOS_FUZZ_RUNS (500 per route), CHAOS_SEED.
 */

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const sizes = {
  messages: num('CHAOS_MESSAGES', 20_000),
  rounds: num('CHAOS_ROUNDS', 5),
  fuzzRuns: num('CHAOS_FUZZ_RUNS', 500),
  seed: num('CHAOS_SEED', Date.now() % 1_000_000),
};
const say = (line = '') => process.stdout.write(`${line}\n`);
const table = (rows: Record<string, unknown>[]) => {
  if (!rows.length) return;
  const cols = Object.keys(rows[0]);
  const text = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 1 }) : String(v));
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  say(cols.map((c, i) => c.padEnd(width[i])).join('  '));
  for (const r of rows) say(cols.map((c, i) => text(r[c]).padStart(width[i])).join('  '));
};

const scratch = mkdtempSync(join(tmpdir(), 'punctual-chaos-'));
const dir = (name: string) => join(scratch, name);
const token = () => randomBytes(24).toString('base64url');
const results: Record<string, unknown> = { sizes };
const broken: string[] = [];

const crash = async () => {
  say(
    `\n## Crash: SIGKILL at a random moment of each ${sizes.messages.toLocaleString('en-US')}-message burst, ` +
      `${sizes.rounds} rounds, same data directory`,
  );
  const started = Date.now();
  const r = await runCrashRounds({
    messages: sizes.messages,
    rounds: sizes.rounds,
    dataDir: dir('crash'),
    adminToken: token(),
    spreadMs: 3_000,
    log: (l) => say(`  ${l}`),
  });
  table([
    {
      accepted: r.accepted,
      lost: r.lost,
      duplicates: r.duplicates,
      'unknown ids': r.unknown,
      'wrong body': r.mismatched,
      'not delivered in store': r.notDelivered,
      'final exit': r.finalExit,
      seconds: (Date.now() - started) / 1000,
    },
  ]);
  results.crash = r;
  if (r.lost || r.unknown || r.mismatched || r.notDelivered) broken.push('crash: messages lost or unaccounted for');
};

const shutdown = async () => {
  say(`\n## Graceful stop: SIGTERM with 10% of a ${sizes.messages.toLocaleString('en-US')}-message burst delivered, then restart`);
  const r = await runShutdown({ messages: sizes.messages, dataDir: dir('shutdown'), adminToken: token(), stopAt: 0.1 });
  table([
    {
      accepted: r.accepted,
      'acknowledged at stop': r.acknowledgedAtStop,
      lost: r.lost,
      'answered before stop': r.answeredBeforeStop,
      'answered, not recorded': r.answeredNotRecorded,
      'redelivered after 2xx': r.redeliveredAfterAck,
      'redelivered, unanswered': r.redeliveredUnanswered,
      'exit code': r.exitCode,
      'stop ms': r.stopMs,
    },
  ]);
  results.shutdown = { ...r, stderr: undefined };
  if (r.lost || r.redeliveredAfterAck || r.answeredNotRecorded || r.exitCode !== 0)
    broken.push('shutdown: lost, unrecorded or redelivered after acknowledgement');
};

const sick = async () => {
  say('\n## Sick receivers: 500 on every other request, hangs past the timeout, resets mid-response, 429 + Retry-After: 1, 1 s responses');
  const receiver = await startReceiver();
  makeSick(receiver);
  const adminToken = token();
  const runtime = await startLocal(
    loadLocalConfig({ PORT: '0', PUNCTUAL_DATA_DIR: dir('sick'), PUNCTUAL_ADMIN_TOKEN: adminToken, PUNCTUAL_DRAIN_TIMEOUT_MS: '500' }),
    { logger: createLogger('silent') },
  );
  try {
    const { client } = await newTenantClient(runtime.url, adminToken, 'sick');
    const reports = await runSickReceivers(client, receiver, {
      count: 200,
      timeoutMs: 120_000,
    });
    table(
      reports.map((r) => ({
        receiver: r.behaviour,
        messages: r.messages,
        delivered: r.delivered,
        failed: r.failed,
        pending: r.pending,
        'attempts recorded': r.attempts,
        problems: r.problems.length,
      })),
    );
    for (const r of reports) for (const p of r.problems.slice(0, 3)) say(`  ${r.behaviour}: ${p}`);
    results.sick = reports.map((r) => ({ ...r, problems: r.problems.slice(0, 10) }));
    if (reports.some((r) => r.pending || r.problems.length))
      broken.push('sick receivers: a message did not end, or its attempts were not all recorded');
  } finally {
    await receiver.close();
    await runtime.close();
  }

  say('\n## Lateness of a healthy app (2,000 messages over 10 s) beside sick apps whose receivers never answer (2 s timeout)');
  const runs = [
    { sickApps: 0, sickBacklog: 0 },
    { sickApps: 1, sickBacklog: 2_000 },
    { sickApps: 1, sickBacklog: 20_000 },
    { sickApps: 8, sickBacklog: 1_000 },
  ];
  const lateness = [];
  for (const [i, run] of runs.entries()) {
    const r = await measureLateness({ dataDir: dir(`lateness-${i}`), adminToken: token(), healthy: 2_000, spreadMs: 10_000, ...run });
    lateness.push(r);
    table(
      [
        {
          'sick apps': r.sickApps,
          'sick backlog each': r.sickBacklog,
          'healthy arrived': `${r.arrived}/${r.healthy}`,
          'p50 ms': r.lateness.p50,
          'p90 ms': r.lateness.p90,
          'p99 ms': r.lateness.p99,
          'max ms': r.lateness.max,
          'sick attempts': r.sickAttempts,
        },
      ].map((row) => row),
    );
  }
  results.lateness = lateness;
  if (lateness.some((r) => r.arrived < r.healthy)) broken.push('lateness: a healthy message did not arrive');
};

const noisy = async () => {
  say(
    "\n## Noisy neighbour: tenant X's 100 apps never answer (maxConcurrency 1000, timeout 60 s, 600 messages); " +
      "tenant Y's 600 messages to a receiver answering in 100 ms, once X's attempts hold their slots",
  );
  const receiver = await startReceiver();
  const adminToken = token();
  const server = await startChild({
    PUNCTUAL_DATA_DIR: dir('noisy'),
    PUNCTUAL_ADMIN_TOKEN: adminToken,
    PUNCTUAL_LOG_LEVEL: 'error',
    PUNCTUAL_DRAIN_TIMEOUT_MS: '500',
  });
  try {
    const r = await runNoisyNeighbour({ baseUrl: server.url, adminToken, receiver });
    table([
      {
        'X apps': r.noisyApps,
        'X messages': r.noisyMessages,
        'X attempts hanging': r.noisyHanging,
        'Y arrived': `${r.arrived}/${r.healthyMessages}`,
        'Y p50 ms': r.lateness.p50,
        'Y p90 ms': r.lateness.p90,
        'Y p99 ms': r.lateness.p99,
        'Y max ms': r.lateness.max,
      },
    ]);
    results.noisy = r;
    if (r.arrived < r.healthyMessages || !(r.lateness.p99 <= 3_000))
      broken.push(`noisy neighbour: the healthy tenant's p99 lateness was ${r.lateness.p99} ms (at most 3,000), or messages were missing`);
  } finally {
    await receiver.close(); // resets the hanging connections, so the stop below is quick
    server.process.kill('SIGTERM');
    const exit = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]);
    if (exit === 'timeout') server.process.kill('SIGKILL');
  }
};

const fuzz = async () => {
  say(`\n## Hostile input: ${routes.length} routes × ${sizes.fuzzRuns} generated requests (seed ${sizes.seed}), raw sockets`);
  const receiver = await startReceiver();
  const adminToken = token();
  const logs: string[] = [];
  const rejections: unknown[] = [];
  const onRejection = (e: unknown) => rejections.push(e);
  process.on('unhandledRejection', onRejection);
  const runtime = await startLocal(loadLocalConfig({ PORT: '0', PUNCTUAL_DATA_DIR: dir('fuzz'), PUNCTUAL_ADMIN_TOKEN: adminToken }), {
    logger: createLogger('info', (l) => logs.push(l)),
    engine: { maxInFlight: 0 }, // fuzzed apps may name any URL: deliver nothing
  });
  try {
    const fixture = await prepareFuzzFixture(runtime.url, adminToken, `${receiver.url}/fuzz`);
    const started = Date.now();
    const r = await fuzzRoutes(fixture, { seed: sizes.seed, runsPerRoute: sizes.fuzzRuns, concurrency: 4 });
    const healthy = (await fetch(`${runtime.url}/v1/health`)).status === 200;
    const errors = logs.filter((l) => /"level":"error"/.test(l)).length;
    table([
      {
        requests: r.requests,
        '5xx': r.serverErrors,
        violations: r.violationCount,
        'unhandled rejections': rejections.length,
        'error log lines': errors,
        'healthy after': healthy ? 'yes' : 'NO',
        seconds: (Date.now() - started) / 1000,
      },
    ]);
    say(
      `  statuses: ${Object.entries(r.statuses)
        .map(([s, k]) => `${s}×${k}`)
        .join(' ')}`,
    );
    for (const v of r.violations.slice(0, 10)) say(`  ${v.route}: ${v.problem}\n    ${v.request}`);
    results.fuzz = { ...r, violations: r.violations.slice(0, 10), unhandledRejections: rejections.length, errorLogLines: errors };
    if (r.serverErrors || r.violationCount || rejections.length || !healthy)
      broken.push(`fuzz: 5xx, contract violations or a crash (replay with CHAOS_SEED=${sizes.seed})`);
  } finally {
    process.off('unhandledRejection', onRejection);
    await runtime.close();
    await receiver.close();
  }
};

const scenarios: Record<string, () => Promise<void>> = { crash, shutdown, sick, noisy, fuzz };

const main = async () => {
  const chosen = process.argv.slice(2).filter((a) => a in scenarios);
  const names = chosen.length ? chosen : Object.keys(scenarios);
  say(`punctual chaos: ${names.join(', ')} — loopback only; sizes ${JSON.stringify(sizes)}`);
  try {
    for (const name of names) {
      try {
        await scenarios[name]();
      } catch (err) {
        broken.push(`${name}: ${(err as Error).message}`);
        say(`  ${name} aborted: ${(err as Error).stack}`);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  say(`\nCHAOS ${JSON.stringify({ ...results, broken })}`);
  say(broken.length ? `\nBROKEN:\n${broken.map((b) => `  - ${b}`).join('\n')}` : '\nAll invariants held.');
  process.exit(broken.length ? 1 : 0);
};

void main();
