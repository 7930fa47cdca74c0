/** The settings of targets and secrets, in both runtimes' configuration. */
import { randomBytes } from 'node:crypto';
import { accountOfArn, loadAwsConfig } from './aws-config';
import { ConfigError, loadLocalConfig } from './config';

describe('loadLocalConfig: targets and secrets', () => {
  it('reads the SMTP URL, the sender, the AWS endpoint and the secrets key; all optional', () => {
    const key = randomBytes(32);
    const c = loadLocalConfig({
      PUNCTUAL_SMTP_URL: 'smtps://user:p%40ss@mail.example.com:465',
      PUNCTUAL_EMAIL_FROM: 'punctual@example.com',
      PUNCTUAL_AWS_ENDPOINT: 'http://127.0.0.1:5000',
      PUNCTUAL_SECRETS_KEY: key.toString('base64'),
    });
    expect(c).toMatchObject({
      smtpUrl: 'smtps://user:p%40ss@mail.example.com:465',
      emailFrom: 'punctual@example.com',
      awsEndpoint: 'http://127.0.0.1:5000',
      secretsKey: key,
    });
    const none = loadLocalConfig({});
    for (const name of ['smtpUrl', 'emailFrom', 'awsEndpoint', 'secretsKey']) expect(none).not.toHaveProperty(name);
  });

  it('refuses a URL that is not smtp(s) without quoting it (it may hold a password)', () => {
    for (const url of ['https://user:hunter2@mail.example.com', 'smtp://', 'hunter2']) {
      expect(() => loadLocalConfig({ PUNCTUAL_SMTP_URL: url })).toThrow(ConfigError);
      expect(() => loadLocalConfig({ PUNCTUAL_SMTP_URL: url })).toThrow(/^PUNCTUAL_SMTP_URL must be smtp:\/\/host:port/);
      try {
        loadLocalConfig({ PUNCTUAL_SMTP_URL: url });
      } catch (err) {
        expect((err as Error).message).not.toContain('hunter2');
      }
    }
  });

  it.each([
    ['a key that is not 32 bytes', { PUNCTUAL_SECRETS_KEY: randomBytes(16).toString('base64') }, /PUNCTUAL_SECRETS_KEY must be 32 bytes/],
    ['a sender that is not an address', { PUNCTUAL_EMAIL_FROM: 'Punctual <p@example.com>' }, /PUNCTUAL_EMAIL_FROM/],
    ['an endpoint that is not a URL', { PUNCTUAL_AWS_ENDPOINT: 'localhost 5000' }, /PUNCTUAL_AWS_ENDPOINT/],
  ])('refuses %s', (_, env, message) => {
    expect(() => loadLocalConfig(env)).toThrow(message);
  });
});

describe('loadAwsConfig: targets and secrets', () => {
  const env = {
    PUNCTUAL_STACK: 'punctual-test',
    PUNCTUAL_TABLE_NAME: 't',
    PUNCTUAL_DELIVERY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/q',
    PUNCTUAL_SCHEDULE_GROUP: 'g',
    PUNCTUAL_DELIVERY_DLQ_ARN: 'arn:aws:sqs:us-east-1:111111111111:dlq',
    PUNCTUAL_WAKE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:111111111111:function:punctual-prod-engineWake',
    PUNCTUAL_SCHEDULER_ROLE_ARN: 'arn:aws:iam::111111111111:role/s',
    PUNCTUAL_USER_POOL_ID: 'us-east-1_P',
    PUNCTUAL_USER_POOL_CLIENT_ID: 'c',
  };

  it("knows its own account from the wake function's ARN, and reads the allowlist, the KMS key and the sender", () => {
    const c = loadAwsConfig({
      ...env,
      PUNCTUAL_TARGET_ACCOUNT_ALLOWLIST: ' 111111111111, 222222222222 ',
      PUNCTUAL_SECRETS_KMS_KEY_ID: 'arn:aws:kms:us-east-1:111111111111:key/k',
      PUNCTUAL_EMAIL_FROM: 'punctual@example.com',
    });
    expect(c).toMatchObject({
      accountId: '111111111111',
      targetAccountAllowlist: ['111111111111', '222222222222'],
      secretsKmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/k',
      emailFrom: 'punctual@example.com',
    });
    expect(loadAwsConfig(env).targetAccountAllowlist).toEqual([]);
    expect(loadAwsConfig({ ...env, PUNCTUAL_WAKE_FUNCTION_ARN: 'w' })).not.toHaveProperty('accountId');
  });

  it('refuses an allowlist entry that is not an account id', () => {
    expect(() => loadAwsConfig({ ...env, PUNCTUAL_TARGET_ACCOUNT_ALLOWLIST: '111111111111,acme' })).toThrow(/got "acme"/);
  });

  it('reads the account of an ARN', () => {
    expect(accountOfArn('arn:aws-cn:lambda:cn-north-1:123456789012:function:f')).toBe('123456789012');
    expect(accountOfArn('arn:aws:iam::123456789012:role/r')).toBe('123456789012');
    expect(accountOfArn('arn:aws:s3:::bucket')).toBeUndefined();
  });
});
