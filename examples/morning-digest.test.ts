import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunningExample, startExample } from '../test/support/examples';
import { type LocalPunctual, newTenant, startPunctual, waitForStatus } from '../test/support/punctual';
import { type SmtpTestServer, startSmtpServer } from '../test/support/smtp';

/** A stand-in for an LLM's OpenAI-compatible chat completions: it records each prompt and answers a digest of it. */
interface LlmStandIn {
  url: string;
  prompts: { model: string; messages: { role: string; content: string }[] }[];
  close(): Promise<void>;
}

const startLlm = async (): Promise<LlmStandIn> => {
  const prompts: LlmStandIn['prompts'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return void res.writeHead(404).end();
      const prompt = JSON.parse(body) as LlmStandIn['prompts'][number];
      prompts.push(prompt);
      const user = prompt.messages.find((m) => m.role === 'user')!.content;
      const content = `Good morning. ${user.replace(/^.*Topics: /, 'About ')}`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `chatcmpl-${prompts.length}`,
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content } }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    prompts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

describe('examples/morning-digest.ts', () => {
  let smtp: SmtpTestServer;
  let llm: LlmStandIn;
  let server: LocalPunctual;
  let example: RunningExample | undefined;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    llm = await startLlm();
    server = await startPunctual({ PUNCTUAL_SMTP_URL: smtp.url, PUNCTUAL_EMAIL_FROM: 'digest@example.com' });
  });
  afterAll(async () => {
    await example?.stop();
    await server.close();
    await llm.close();
    await smtp.close();
  });

  it("schedules the digest at 07:00 in the reader's zone; a run has the LLM write it and punctual email it, once", async () => {
    const { control, controlKey } = await newTenant(server);
    example = startExample('morning-digest.ts', {
      PUNCTUAL_URL: server.baseUrl,
      PUNCTUAL_API_KEY: controlKey,
      DIGEST_TO: 'reader@example.com',
      DIGEST_TIMEZONE: 'Europe/Lisbon',
      DIGEST_TOPICS: 'TypeScript 6, the tides in Porto',
      LLM_URL: llm.url,
      LLM_MODEL: 'stand-in',
      PORT: '0',
    });
    const setUp = JSON.parse(await example.waitForLine(/"scheduleId"/)) as {
      scheduleId: string;
      writerAppId: string;
      mailAppId: string;
      failedAppId: string;
      nextRuns: string[];
    };

    // 07:00 in Lisbon is 07:00 UTC in winter and 06:00 UTC in summer: the runs say which, day after day.
    const schedule = await control.schedules.get(setUp.scheduleId);
    expect(schedule).toMatchObject({
      expression: 'cron(0 7 * * ? *)',
      timezone: 'Europe/Lisbon',
      state: 'active',
      onSuccess: { appId: setUp.mailAppId },
      onFailure: { appId: setUp.failedAppId },
    });
    expect(setUp.nextRuns).toHaveLength(3);
    expect(setUp.nextRuns[0]).toBe(schedule.nextRunAt);
    for (const run of setUp.nextRuns) {
      const lisbon = new Intl.DateTimeFormat('en-GB', { timeStyle: 'short', timeZone: 'Europe/Lisbon' }).format(new Date(run));
      expect({ run, lisbon }).toEqual({ run, lisbon: '07:00' });
    }
    expect(await control.apps.get(setUp.mailAppId)).toMatchObject({ target: { type: 'email', to: ['reader@example.com'] } });

    const run = await control.schedules.trigger(setUp.scheduleId);
    const [mail] = await smtp.waitFor(1, 20_000);
    expect(mail.rcptTo).toEqual(['reader@example.com']);
    expect(mail.from).toBe('digest@example.com');
    expect(mail.subject).toMatch(/^Your morning digest \(\d{4}-\d{2}-\d{2}T/);
    expect(mail.text.trim()).toBe('Good morning. About TypeScript 6; the tides in Porto.');
    expect(llm.prompts).toHaveLength(1);
    expect(llm.prompts[0]).toMatchObject({ model: 'stand-in' });
    expect(llm.prompts[0].messages.at(-1)!.content).toMatch(
      /^Today is \w+day, \d+ \w+ \d{4}\. Topics: TypeScript 6; the tides in Porto\.$/,
    );
    const printed = JSON.parse(await example.waitForLine(/"run"/)) as { run: string; attempt: number };
    expect(printed).toEqual({ run: run.id, attempt: 1 });
    // The digest is the run's result; onSuccess made the email message from it, and onFailure nothing.
    const delivered = await waitForStatus(control, run.id, 'delivered');
    expect(delivered.result).toMatchObject({ status: 200, body: 'Good morning. About TypeScript 6; the tides in Porto.' });
    expect(delivered.chained).toHaveLength(1);
    expect(await waitForStatus(control, delivered.chained![0], 'delivered')).toMatchObject({ appId: setUp.mailAppId, chainOf: run.id });
    expect((await control.messages.list({ appId: setUp.failedAppId })).items).toEqual([]);
    expect(smtp.mails).toHaveLength(1);
  }, 60_000);
});
