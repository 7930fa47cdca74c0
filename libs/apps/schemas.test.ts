import { ValidationError } from '../domain/errors';
import { parseInput } from '../domain/validate';
import { toAppDto } from './dto';
import { anApp } from '../../test/support/fixtures';
import { appCreateSchema, appUpdateSchema, targetSchema } from './schemas';

/** The field issues of an invalid target, as the API reports them. */
const issues = (target: unknown): { path: string; issue: string }[] => {
  try {
    parseInput(appCreateSchema, { name: 'a', target });
  } catch (err) {
    if (err instanceof ValidationError) return err.issues;
    throw err;
  }
  throw new Error('the target was accepted');
};
const ok = (target: unknown) => parseInput(targetSchema, target);

describe('targetSchema', () => {
  describe('type', () => {
    it('names the known types when the type is unknown or missing', () => {
      for (const target of [{ type: 'carrier-pigeon' }, { url: 'https://example.com' }]) {
        expect(issues(target)).toEqual([{ path: 'target.type', issue: 'must be one of "http", "email", "sqs", "sns", "eventbridge"' }]);
      }
    });
  });

  describe('http', () => {
    it('takes a method (POST by default on read), headers and a timeout', () => {
      expect(ok({ type: 'http', url: 'https://example.com/h', method: 'PUT', headers: { 'x-a': '1' }, timeoutMs: 500 })).toEqual({
        type: 'http',
        url: 'https://example.com/h',
        method: 'PUT',
        headers: { 'x-a': '1' },
        timeoutMs: 500,
      });
      for (const method of ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'])
        expect(ok({ type: 'http', url: 'https://e.com', method })).toBeTruthy();
    });

    it('refuses another method and a field of another type', () => {
      expect(issues({ type: 'http', url: 'https://e.com', method: 'HEAD' })).toEqual([
        { path: 'target.method', issue: 'must be one of POST, PUT, PATCH, GET, DELETE' },
      ]);
      expect(issues({ type: 'http', url: 'https://e.com', queueUrl: 'x' })[0]).toMatchObject({
        path: 'target.queueUrl',
        issue: 'unknown field',
      });
    });
  });

  describe('email', () => {
    const email = { type: 'email', to: ['ops@example.com'], subject: 'Digest {{schedule.name}} at {{message.sendAt}}' };

    it('takes recipients, a sender and a subject with the known placeholders', () => {
      expect(ok({ ...email, cc: ['a@example.com'], bcc: ['b@example.com'], from: 'punctual@example.com' })).toMatchObject(email);
      expect(ok({ ...email, subject: 'run {{{message.id}}} {{&message.id}} {{ message.id }}' })).toBeTruthy();
    });

    it('refuses no recipient, a bad address, more than 50 recipients together and a multi-line subject', () => {
      expect(issues({ ...email, to: [] })).toEqual([{ path: 'target.to', issue: 'give at least one recipient' }]);
      expect(issues({ ...email, to: ['Ops <ops@example.com>'] })[0]).toMatchObject({ path: 'target.to.0' });
      expect(issues({ ...email, from: 'nobody' })[0]).toMatchObject({ path: 'target.from', issue: expect.stringMatching(/email address/) });
      const many = Array.from({ length: 30 }, (_, i) => `r${i}@example.com`);
      expect(ok({ ...email, to: many.slice(0, 25), cc: many.slice(25), bcc: many.slice(0, 20) })).toBeTruthy();
      expect(issues({ ...email, to: many, cc: many })).toEqual([
        { path: 'target.to', issue: 'at most 50 recipients in to, cc and bcc together' },
      ]);
      expect(issues({ ...email, to: [...many, ...many] })[0]).toMatchObject({ path: 'target.to' });
      expect(issues({ ...email, subject: 'a\r\nBcc: x@example.com' })[0]).toEqual({ path: 'target.subject', issue: 'must be one line' });
    });

    it('refuses unknown placeholders, sections, partials, comments and delimiter changes in the subject', () => {
      for (const subject of [
        '{{tenant.secret}}',
        '{{#message}}x{{/message}}',
        '{{^message.id}}x{{/message.id}}',
        '{{> other}}',
        '{{=<% %>=}}',
        '{{! note }}',
        '{{message.id',
      ]) {
        expect({ subject, issues: issues({ ...email, subject }) }).toEqual({
          subject,
          issues: [{ path: 'target.subject', issue: expect.any(String) }],
        });
      }
      expect(issues({ ...email, subject: '{{constructor}}' })[0].issue).toMatch(/unknown placeholder \{\{constructor\}\}/);
    });
  });

  describe('sqs', () => {
    const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders';

    it('takes a queue URL, and a group id for a FIFO queue only', () => {
      expect(ok({ type: 'sqs', queueUrl })).toEqual({ type: 'sqs', queueUrl });
      expect(ok({ type: 'sqs', queueUrl: `${queueUrl}.fifo`, messageGroupId: 'g-1' })).toBeTruthy();
      expect(issues({ type: 'sqs', queueUrl: `${queueUrl}.fifo` })).toEqual([
        { path: 'target.messageGroupId', issue: 'is required for a FIFO queue' },
      ]);
      expect(issues({ type: 'sqs', queueUrl, messageGroupId: 'g' })).toEqual([
        { path: 'target.messageGroupId', issue: 'applies to FIFO queues (.fifo) only' },
      ]);
    });

    it('refuses what is not a queue URL', () => {
      for (const bad of [
        'orders',
        'https://sqs.eu-west-1.amazonaws.com/orders',
        'ftp://x/123456789012/q',
        'https://u:p@sqs.x.amazonaws.com/123456789012/q',
      ])
        expect(issues({ type: 'sqs', queueUrl: bad })[0]).toMatchObject({ path: 'target.queueUrl' });
    });
  });

  describe('sns', () => {
    const topicArn = 'arn:aws:sns:us-east-1:123456789012:web_action';

    it('takes a topic ARN and string attributes', () => {
      expect(ok({ type: 'sns', topicArn, messageAttributes: { action: 'web_action' } })).toBeTruthy();
    });

    it('refuses another ARN, a FIFO topic, our attribute names and more than 6 attributes', () => {
      expect(issues({ type: 'sns', topicArn: 'arn:aws:sqs:us-east-1:123456789012:q' })[0]).toMatchObject({ path: 'target.topicArn' });
      expect(issues({ type: 'sns', topicArn: `${topicArn}.fifo` })[0].issue).toMatch(/FIFO topics are not supported/);
      expect(issues({ type: 'sns', topicArn, messageAttributes: { 'punctual-attempt': '1' } })[0]).toMatchObject({
        path: 'target.messageAttributes.punctual-attempt',
      });
      const seven = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`a${i}`, 'v']));
      expect(issues({ type: 'sns', topicArn, messageAttributes: seven })).toEqual([
        { path: 'target.messageAttributes', issue: 'at most 6 attributes' },
      ]);
    });
  });

  describe('eventbridge', () => {
    const bus = {
      type: 'eventbridge',
      eventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/jobs',
      source: 'acme.jobs',
      detailType: 'job.due',
    };

    it('takes a bus ARN, a source and a detail type', () => {
      expect(ok(bus)).toEqual(bus);
    });

    it('refuses a bus ARN of another service, an aws. source and missing fields', () => {
      expect(issues({ ...bus, eventBusArn: 'arn:aws:sns:us-east-1:123456789012:t' })[0]).toMatchObject({ path: 'target.eventBusArn' });
      expect(issues({ ...bus, source: 'aws.events' })[0]).toMatchObject({
        path: 'target.source',
        issue: expect.stringMatching(/reserved/),
      });
      expect(issues({ type: 'eventbridge', eventBusArn: bus.eventBusArn }).map((i) => i.path)).toEqual([
        'target.source',
        'target.detailType',
      ]);
    });
  });
});

describe('appUpdateSchema', () => {
  it('takes a target of any type, whole', () => {
    expect(parseInput(appUpdateSchema, { target: { type: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:t' } })).toBeTruthy();
  });
});

describe('toAppDto', () => {
  it('shows header names with "***" for their values (and the names alone, as before), the default method and timeout', () => {
    const app = anApp({ target: { type: 'http', url: 'https://e.com', headers: { authorization: 'enc:v1:sealed', 'x-b': 'enc:v1:b' } } });
    expect(toAppDto(app).target).toEqual({
      type: 'http',
      url: 'https://e.com',
      method: 'POST',
      headers: { authorization: '***', 'x-b': '***' },
      headerNames: ['authorization', 'x-b'],
      timeoutMs: 10_000,
    });
    expect(JSON.stringify(toAppDto(app))).not.toContain('enc:');
  });

  it('shows the other types as configured', () => {
    const target = { type: 'email' as const, to: ['a@example.com'], subject: 's' };
    expect(toAppDto(anApp({ target })).target).toEqual(target);
  });
});
