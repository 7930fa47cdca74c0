import { createServer } from 'node:net';
import { startSmtpServer, type SmtpTestServer } from '../../../test/support/smtp';
import type { Mail } from './email';
import { SmtpMailer, smtpFailure } from './smtp';

const mail = (over: Partial<Mail> = {}): Mail => ({
  from: 'punctual@example.com',
  to: ['ops@example.com'],
  bcc: ['audit@example.com'],
  subject: 'Morning digest — 2027-01-04',
  text: 'The answer is 42.\nSee you tomorrow.',
  messageId: 'msg_2abc',
  attempt: 3,
  ...over,
});

describe('SmtpMailer (a real SMTP server)', () => {
  let server: SmtpTestServer;
  let mailer: SmtpMailer;
  afterEach(async () => {
    await mailer?.close();
    await server?.close();
  });

  it('sends from, to, bcc, subject and text, with a Message-ID stable across attempts, and answers 250 with the message id', async () => {
    server = await startSmtpServer();
    mailer = new SmtpMailer({ url: server.url });
    const outcome = await mailer.send(mail());
    expect(outcome).toMatchObject({ kind: 'success', statusCode: 250 });
    expect(JSON.parse((outcome as { responseBody: string }).responseBody)).toMatchObject({ messageId: '<msg_2abc@punctual>' });
    const [received] = await server.waitFor(1);
    expect(received).toMatchObject({
      from: 'punctual@example.com',
      rcptTo: ['ops@example.com', 'audit@example.com'],
      subject: 'Morning digest — 2027-01-04',
      text: 'The answer is 42.\nSee you tomorrow.',
    });
    expect(received.headers).toMatchObject({
      'message-id': '<msg_2abc@punctual>',
      'x-punctual-message-id': 'msg_2abc',
      'x-punctual-attempt': '3',
    });
    expect(received.headers.bcc).toBeUndefined();
  });

  it('logs in with the credentials of the URL; a refused login fails permanently', async () => {
    server = await startSmtpServer({ auth: { user: 'punctual', pass: 'p@ss word' } });
    mailer = new SmtpMailer({ url: server.url });
    expect(await mailer.send(mail())).toMatchObject({ kind: 'success' });
    await mailer.close();
    mailer = new SmtpMailer({ url: server.url.replace(encodeURIComponent('p@ss word'), 'wrong') });
    const refused = await mailer.send(mail());
    expect(refused).toMatchObject({ kind: 'permanent', statusCode: 535 });
    expect(JSON.stringify(refused)).not.toContain('wrong');
  });

  it('retries a 4xx refusal and fails a 5xx one', async () => {
    server = await startSmtpServer({
      rejectRcpt: (_a, n) => (n === 1 ? { code: 451, message: 'try later' } : { code: 550, message: 'no such user' }),
    });
    mailer = new SmtpMailer({ url: server.url });
    expect(await mailer.send(mail({ bcc: undefined }))).toMatchObject({
      kind: 'retry',
      statusCode: 451,
      error: expect.stringMatching(/^SMTP 451/),
    });
    expect(await mailer.send(mail({ bcc: undefined }))).toMatchObject({ kind: 'permanent', statusCode: 550 });
  });

  it('retries when the server cannot be reached', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${closed}`, connectTimeoutMs: 2_000 });
    expect(await mailer.send(mail())).toMatchObject({ kind: 'retry', error: expect.stringMatching(/^SMTP E/) });
  });
});

describe('smtpFailure', () => {
  it('fails problems of the message itself permanently and retries unknown ones', () => {
    expect(smtpFailure(Object.assign(new Error('No recipients defined'), { code: 'EENVELOPE' }), 1).kind).toBe('permanent');
    expect(smtpFailure(Object.assign(new Error('Greeting never received'), { code: 'ETIMEDOUT' }), 1).kind).toBe('retry');
    expect(smtpFailure(new Error('something else'), 1).kind).toBe('retry');
  });
});
