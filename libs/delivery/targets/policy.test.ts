import { TargetUnavailableError } from '../../apps/errors';
import type { Target } from '../../apps/model';
import { ValidationError } from '../../domain/errors';
import { targetPolicy, type TargetPolicyOptions } from './policy';

const base: TargetPolicyOptions = { allowPrivateTargets: false, email: { defaultFrom: 'punctual@example.com' } };
const queue = (account: string, host = 'https://sqs.us-east-1.amazonaws.com'): Target => ({
  type: 'sqs',
  queueUrl: `${host}/${account}/q`,
});
const topic = (account: string): Target => ({ type: 'sns', topicArn: `arn:aws:sns:us-east-1:${account}:t` });
const bus = (account: string): Target => ({
  type: 'eventbridge',
  eventBusArn: `arn:aws:events:us-east-1:${account}:event-bus/b`,
  source: 's',
  detailType: 'd',
});
const email: Target = { type: 'email', to: ['a@example.com'], subject: 's' };

/** The error a target gets, with its code-bearing class and details. */
const refusal = (o: TargetPolicyOptions, t: Target) => {
  try {
    targetPolicy(o)(t);
  } catch (err) {
    return { type: (err as Error).constructor.name, message: (err as Error).message, details: (err as ValidationError).details };
  }
  return undefined;
};

describe('targetPolicy', () => {
  it('applies the SSRF policy to webhook URLs', () => {
    expect(refusal(base, { type: 'http', url: 'https://example.com' })).toBeUndefined();
    expect(refusal(base, { type: 'http', url: 'http://169.254.169.254/' })).toMatchObject({ type: ValidationError.name });
    expect(refusal({ ...base, allowPrivateTargets: true }, { type: 'http', url: 'http://127.0.0.1:1/' })).toBeUndefined();
  });

  it('refuses email where it cannot be sent (400 target_unavailable naming the setting), and without any sender', () => {
    expect(refusal({ ...base, email: { missing: 'PUNCTUAL_SMTP_URL' } }, email)).toEqual({
      type: TargetUnavailableError.name,
      message: 'email targets are unavailable here: email needs PUNCTUAL_SMTP_URL, which is not set here',
      details: [{ path: 'target.type', issue: 'email needs PUNCTUAL_SMTP_URL, which is not set here' }],
    });
    expect(refusal({ ...base, email: {} }, email)).toMatchObject({
      type: TargetUnavailableError.name,
      details: [{ path: 'target.from', issue: expect.stringMatching(/PUNCTUAL_EMAIL_FROM/) }],
    });
    expect(refusal({ ...base, email: {} }, { ...email, from: 'me@example.com' } as Target)).toBeUndefined();
    expect(refusal(base, email)).toBeUndefined();
  });

  it("accepts an emulator's queue URL only when the AWS clients point at an emulator", () => {
    expect(refusal(base, queue('123456789012', 'http://127.0.0.1:5000'))).toMatchObject({
      type: ValidationError.name,
      details: [{ path: 'target.queueUrl' }],
    });
    expect(refusal(base, queue('123456789012', 'http://sqs.us-east-1.amazonaws.com'))).toMatchObject({ type: ValidationError.name });
    expect(refusal({ ...base, awsEndpoint: 'http://127.0.0.1:5000' }, queue('123456789012', 'http://127.0.0.1:5000'))).toBeUndefined();
  });

  it("refuses the deployment's own account (AWS) unless allowlisted, and every account when its own is unknown", () => {
    const aws = { ...base, ownAccount: { accountId: '111111111111', allowlist: [] } };
    for (const target of [queue('111111111111'), topic('111111111111'), bus('111111111111')]) {
      expect(refusal(aws, target)).toMatchObject({ type: TargetUnavailableError.name, message: expect.stringMatching(/own/) });
      expect(refusal(aws, { ...target, ...{} })?.details).toEqual([
        { path: expect.stringMatching(/^target\.(queueUrl|topicArn|eventBusArn)$/), issue: expect.any(String) },
      ]);
      expect(refusal({ ...aws, ownAccount: { accountId: '111111111111', allowlist: ['111111111111'] } }, target)).toBeUndefined();
      expect(refusal({ ...aws, ownAccount: { accountId: undefined, allowlist: [] } }, target)).toMatchObject({
        type: TargetUnavailableError.name,
      });
    }
    for (const target of [queue('222222222222'), topic('222222222222'), bus('222222222222')]) expect(refusal(aws, target)).toBeUndefined();
    // The embedded runtime has no such rule: the operator's own credentials, their own resources.
    expect(refusal(base, topic('111111111111'))).toBeUndefined();
  });
});
