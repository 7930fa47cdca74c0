import { ManualClock } from '../../domain/clock';
import type { DeliveryOutcome } from '../../messages/outcome';
import { aSchedule } from '../../../test/support/fixtures';
import { EmailSender, mailContent, scheduleNames, type Mail } from './email';
import type { RequestOf } from './request';

describe('mailContent', () => {
  it('takes a string payload as the text', () => {
    expect(mailContent(JSON.stringify('Good morning'))).toEqual({ text: 'Good morning' });
  });

  it('takes subject, text and html from an object of only those', () => {
    expect(mailContent(JSON.stringify({ subject: 'S', html: '<b>hi</b>' }))).toEqual({ subject: 'S', html: '<b>hi</b>' });
  });

  it('sends any other payload as indented JSON text', () => {
    expect(mailContent(JSON.stringify({ kind: 'digest', text: 'x' }))).toEqual({ text: '{\n  "kind": "digest",\n  "text": "x"\n}' });
    expect(mailContent(JSON.stringify({ text: 42 }))).toEqual({ text: '{\n  "text": 42\n}' });
    expect(mailContent('[1,2]')).toEqual({ text: '[\n  1,\n  2\n]' });
  });
});

describe('EmailSender', () => {
  const sent: Mail[] = [];
  const mailer = {
    send: async (m: Mail): Promise<DeliveryOutcome> => {
      sent.push(m);
      return { kind: 'success', statusCode: 250, durationMs: 1 };
    },
    close: async () => undefined,
  };
  const request = (over: Partial<RequestOf<'email'>> = {}): RequestOf<'email'> => ({
    tenantId: 'ten_a',
    messageId: 'msg_1',
    attempt: 2,
    scheduledAt: Date.UTC(2027, 0, 4, 11),
    scheduleId: 'sch_1',
    payload: JSON.stringify('body'),
    target: {
      type: 'email',
      to: ['a@example.com'],
      bcc: ['b@example.com'],
      subject: '{{schedule.name}} / {{message.id}} / {{message.sendAt}}',
    },
    secrets: ['whsec_x'],
    ...over,
  });
  beforeEach(() => (sent.length = 0));

  it('renders the subject with the schedule name, from the default sender', async () => {
    const sender = new EmailSender({ mailer, defaultFrom: 'punctual@example.com', scheduleName: async () => 'morning digest' });
    expect(await sender.send(request())).toMatchObject({ kind: 'success', statusCode: 250 });
    expect(sent).toEqual([
      {
        from: 'punctual@example.com',
        to: ['a@example.com'],
        bcc: ['b@example.com'],
        subject: 'morning digest / msg_1 / 2027-01-04T11:00:00.000Z',
        text: 'body',
        messageId: 'msg_1',
        attempt: 2,
      },
    ]);
  });

  it("takes the payload's subject over the target's, and the target's sender over the default", async () => {
    const sender = new EmailSender({ mailer, defaultFrom: 'punctual@example.com' });
    const payload = JSON.stringify({ subject: 'Override\nme', html: '<p>x</p>' });
    await sender.send(request({ payload, target: { ...request().target, from: 'team@example.com' } }));
    expect(sent[0]).toMatchObject({ from: 'team@example.com', subject: 'Override me', html: '<p>x</p>' });
    expect(sent[0].text).toBeUndefined();
  });

  it('fails permanently without any sender, and renders an unknown schedule name as empty', async () => {
    expect(await new EmailSender({ mailer }).send(request())).toMatchObject({
      kind: 'permanent',
      error: expect.stringMatching(/no sender/),
    });
    await new EmailSender({ mailer, defaultFrom: 'p@example.com', scheduleName: async () => Promise.reject(new Error('db down')) }).send(
      request(),
    );
    expect(sent[0].subject).toBe(' / msg_1 / 2027-01-04T11:00:00.000Z');
  });
});

describe('scheduleNames', () => {
  it('reads a name once per ttl', async () => {
    const clock = new ManualClock(Date.UTC(2027, 0, 1));
    let reads = 0;
    const schedule = aSchedule({ name: 'weekly' });
    const get = async () => {
      reads++;
      return schedule;
    };
    const names = scheduleNames({ get }, clock, { ttlMs: 1_000 });
    expect(await names('ten_a', schedule.id)).toBe('weekly');
    expect(await names('ten_a', schedule.id)).toBe('weekly');
    expect(reads).toBe(1);
    clock.advance(1_001);
    await names('ten_a', schedule.id);
    expect(reads).toBe(2);
  });
});
