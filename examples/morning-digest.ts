// The morning digest by email: every day at 07:00 in your timezone, punctual calls this process, which has an LLM
// write a short digest of your topics and answers it; punctual then emails that answer to you, and emails you a
// note instead when the digest could not be written (the LLM down past every retry).
//
//   schedule cron(0 7 * * ? *) in DIGEST_TIMEZONE
//     → POST <this process>/digest, signed (the "digest-writer" app; 5xx or no answer: punctual retries)
//     → an LLM's OpenAI-compatible chat completions (Ollama, llama.cpp, vLLM, OpenAI…) writes the digest, answered as text
//     → onSuccess: the "digest-mail" app, an email target, mails the answer (the run's result body)
//     → onFailure: the "digest-failed" app mails the error once the retries are over
//
// Run against `npm start` with PUNCTUAL_SMTP_URL (and PUNCTUAL_EMAIL_FROM) set, and an LLM at LLM_URL:
//   PUNCTUAL_API_KEY=<control key> DIGEST_TO=you@example.com npx tsx examples/morning-digest.ts
// Settings: PUNCTUAL_URL (default http://127.0.0.1:3000); LLM_URL (default http://127.0.0.1:11434/v1, Ollama's),
// LLM_MODEL (default llama3.2), LLM_API_KEY (sent as a bearer token when set); DIGEST_TIMEZONE (default UTC),
// DIGEST_TOPICS (comma-separated); PORT (default 4000, 0 picks a free one) and PUBLIC_URL (where punctual reaches
// this process; default http://127.0.0.1:<port>). Each run creates its three apps and the schedule, then prints one
// JSON line with their ids and the next runs, and one JSON line per digest it has written. To get one now rather
// than at seven: `p.schedules.trigger(scheduleId)`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Punctual } from '@punctual/sdk';
import { webhookListener } from '@punctual/sdk/node';

/** What the schedule sends each morning. */
interface DigestRequest {
  topics: string[];
  timezone: string;
}

const setting = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') throw new Error(`set ${name}`);
  return value;
};

/** One chat completion: the digest of `topics`, as plain text. */
const writeDigest = async (topics: string[], day: string): Promise<string> => {
  const llmUrl = setting('LLM_URL', 'http://127.0.0.1:11434/v1').replace(/\/+$/, '');
  const res = await fetch(`${llmUrl}/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(process.env.LLM_API_KEY ? { authorization: `Bearer ${process.env.LLM_API_KEY}` } : {}),
    },
    body: JSON.stringify({
      model: setting('LLM_MODEL', 'llama3.2'),
      messages: [
        { role: 'system', content: 'You write a short morning digest in plain text: one short paragraph per topic, no preamble.' },
        { role: 'user', content: `Today is ${day}. Topics: ${topics.join('; ')}.` },
      ],
    }),
    // Within punctual's attempt timeout, so a stuck LLM is a failed attempt (retried), not a hung one.
    signal: AbortSignal.timeout(25_000),
  });
  if (!res.ok) throw new Error(`the LLM answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  const body = (await res.json()) as { choices?: { message?: { content?: string } }[] };
  const text = body.choices?.[0]?.message?.content?.trim();
  if (!text) throw new Error('the LLM answered no text');
  return text;
};

const main = async (): Promise<void> => {
  const p = new Punctual({ baseUrl: setting('PUNCTUAL_URL', 'http://127.0.0.1:3000'), apiKey: setting('PUNCTUAL_API_KEY') });
  const to = setting('DIGEST_TO');
  const timezone = setting('DIGEST_TIMEZONE', 'UTC');
  const topics = setting('DIGEST_TOPICS', 'what is new in TypeScript, the weather in Lisbon, one good long read')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

  // Where the run's outcome goes: its answer by email, or a note that it failed.
  const mail = await p.apps.create({
    name: 'digest-mail',
    target: { type: 'email', to: [to], subject: 'Your morning digest ({{message.sendAt}})' },
  });
  const failed = await p.apps.create({
    name: 'digest-failed',
    target: { type: 'email', to: [to], subject: 'Your morning digest could not be written' },
  });

  // The writer app needs this process's URL, and this process needs the app's secret: listen first, verify once it exists.
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/digest') return void res.writeHead(404).end();
    // Not set up yet: a 503 is retried by punctual.
    if (!handle) return void res.writeHead(503).end();
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 4000), '127.0.0.1', resolve));
  process.on('SIGTERM', () => server.close());
  const publicUrl = (process.env.PUBLIC_URL ?? `http://127.0.0.1:${(server.address() as AddressInfo).port}`).replace(/\/+$/, '');

  const writer = await p.apps.create({ name: 'digest-writer', target: { type: 'http', url: `${publicUrl}/digest` } });
  handle = webhookListener<DigestRequest>({ secret: writer.signingSecret }, async (event, _req, res) => {
    // "Today" where the reader lives: the run's intended time in their zone.
    const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeZone: event.payload.timezone }).format(
      new Date(event.scheduledAt ?? event.timestamp),
    );
    const text = await writeDigest(event.payload.topics, day);
    // The answer is the run's result: onSuccess mails its body. A thrown error is a 500, which punctual retries.
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
    console.log(JSON.stringify({ run: event.id, attempt: event.attempt }));
  });
  const expression = 'cron(0 7 * * ? *)';
  const schedule = await p.schedules.create({
    appId: writer.id,
    name: 'morning digest',
    expression,
    timezone,
    payload: { topics, timezone } satisfies DigestRequest,
    onSuccess: { appId: mail.id },
    onFailure: { appId: failed.id },
  });
  const { items: nextRuns } = await p.schedules.preview({ expression, timezone, count: 3 });
  console.log(JSON.stringify({ scheduleId: schedule.id, writerAppId: writer.id, mailAppId: mail.id, failedAppId: failed.id, nextRuns }));
};

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
