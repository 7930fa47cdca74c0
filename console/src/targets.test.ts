import { describeRetries, describeTarget, duration, issuesAt, numberOrText, targetChange, targetDraftOf, targetAddress } from './targets';
import type { Target } from './types';

/** An http target as the API reads it back: header values as ***, the defaults filled in. */
const stored: Target = {
  type: 'http',
  url: 'https://api.example.com/v1/answer',
  method: 'PUT',
  headers: { authorization: '***' },
  headerNames: ['authorization'],
  timeoutMs: 10_000,
};

describe('the app form: target drafts and the request they make', () => {
  it('sends no target when an edit leaves it as it was, so stored header values stay', () => {
    expect(targetChange(targetDraftOf(stored), stored)).toEqual({ kind: 'unchanged' });
    const email: Target = { type: 'email', to: ['a@example.com', 'b@example.com'], subject: '{{schedule.name}}' };
    expect(targetChange(targetDraftOf(email), email)).toEqual({ kind: 'unchanged' });
  });

  it('sends a replaced header value and refuses to drop a stored one the changed target does not repeat', () => {
    const draft = targetDraftOf(stored);
    expect(draft.headers).toEqual([{ name: 'authorization', value: '', stored: true }]);
    const moved = { ...draft, url: 'https://api.example.com/v2/answer' };
    expect(targetChange(moved, stored)).toEqual({
      kind: 'invalid',
      issues: [{ path: 'target.headers.authorization', issue: expect.stringContaining('type this value again') }],
    });
    expect(targetChange({ ...moved, headers: [{ name: 'authorization', value: 'Bearer new', stored: true }] }, stored)).toEqual({
      kind: 'set',
      target: {
        type: 'http',
        url: 'https://api.example.com/v2/answer',
        method: 'PUT',
        headers: { authorization: 'Bearer new' },
        timeoutMs: 10_000,
      },
    });
    // Removing the stored header is a change the API can make: the target is sent without it.
    expect(targetChange({ ...draft, headers: [] }, stored)).toEqual({
      kind: 'set',
      target: { type: 'http', url: stored.url, method: 'PUT', timeoutMs: 10_000 },
    });
  });

  it('sends each type with only its own fields, lists split and attributes parsed', () => {
    const draft = { ...targetDraftOf(), url: 'https://left.over.example' };
    expect(targetChange({ ...draft, type: 'email', to: 'a@example.com, b@example.com\nc@example.com', subject: ' Hi ' })).toEqual({
      kind: 'set',
      target: { type: 'email', to: ['a@example.com', 'b@example.com', 'c@example.com'], subject: 'Hi' },
    });
    expect(
      targetChange({ ...draft, type: 'sqs', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q.fifo', messageGroupId: 'g' }),
    ).toEqual({
      kind: 'set',
      target: { type: 'sqs', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q.fifo', messageGroupId: 'g' },
    });
    expect(
      targetChange({
        ...draft,
        type: 'sns',
        topicArn: 'arn:aws:sns:us-east-1:123456789012:t',
        messageAttributes: 'action=web\n\n a = b=c ',
      }),
    ).toEqual({
      kind: 'set',
      target: { type: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:t', messageAttributes: { action: 'web', a: 'b=c' } },
    });
    expect(targetChange({ ...draft, type: 'sns', topicArn: 'x', messageAttributes: 'no equals sign' })).toEqual({
      kind: 'invalid',
      issues: [{ path: 'target.messageAttributes', issue: '"no equals sign" is not name=value' }],
    });
    expect(targetChange({ ...draft, type: 'eventbridge', eventBusArn: 'arn:b', source: 'acme.jobs', detailType: 'job.due' })).toEqual({
      kind: 'set',
      target: { type: 'eventbridge', eventBusArn: 'arn:b', source: 'acme.jobs', detailType: 'job.due' },
    });
  });

  it('sends what is not a whole number as typed, for the API to name, never NaN', () => {
    expect(numberOrText(' 250 ')).toBe(250);
    expect(numberOrText('')).toBeUndefined();
    expect(numberOrText('ten')).toBe('ten');
  });

  it('finds the issues of a field and of what is under it', () => {
    const issues = [
      { path: 'target.to.1', issue: 'not an address' },
      { path: 'target.toll', issue: 'other' },
      { path: 'name', issue: 'required' },
    ];
    expect(issuesAt(issues, 'target.to')).toEqual([issues[0]]);
    expect(issuesAt(undefined, 'name')).toEqual([]);
  });
});

describe('targets in words', () => {
  it('says each type plainly', () => {
    expect(describeTarget(stored)).toBe('PUT https://api.example.com/v1/answer with header authorization');
    expect(
      describeTarget({ type: 'email', to: ['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io'], cc: ['e@x.io'], bcc: ['f@x.io'], subject: 'S' }),
    ).toBe('Email to a@x.io, b@x.io, c@x.io and 1 more (cc e@x.io, 1 bcc), subject "S"');
    expect(describeTarget({ type: 'sqs', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/birthdays' })).toBe(
      'SQS queue birthdays (eu-west-1, account 123456789012)',
    );
    expect(
      describeTarget({ type: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:web_action', messageAttributes: { action: 'web' } }),
    ).toBe('SNS topic web_action (us-east-1, account 123456789012), attributes action=web');
    const bus: Target = {
      type: 'eventbridge',
      eventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/ai-jobs',
      source: 'acme.jobs',
      detailType: 'job.due',
    };
    expect(describeTarget(bus)).toBe('EventBridge bus ai-jobs (us-east-1, account 123456789012), acme.jobs / job.due');
    expect(targetAddress(bus)).toBe(bus.eventBusArn);
    expect(targetAddress(stored)).toBeUndefined();
  });

  it('says a retry policy with its max age', () => {
    expect(describeRetries({ maxAttempts: 36, baseDelayMs: 1_000, maxDelayMs: 7_200_000, maxAgeMs: 86_400_000 })).toBe(
      '36 attempts, delays from 1 s to 2 h, for up to 24 h',
    );
    expect(describeRetries({ maxAttempts: 1, baseDelayMs: 1_500, maxDelayMs: 90_000 })).toBe('1 attempt, delays from 1500 ms to 90 s');
    expect(duration(60_000)).toBe('1 min');
  });
});
