import { defaultPlans } from '../plans/catalogue';
import { loadAwsConfig } from './aws-config';
import { ConfigError } from './config';

const env = {
  PUNCTUAL_TABLE_NAME: 'punctual-prod',
  PUNCTUAL_DELIVERY_QUEUE_URL: 'https://sqs/q',
  PUNCTUAL_SCHEDULE_GROUP: 'punctual-prod',
  PUNCTUAL_DELIVERY_DLQ_ARN: 'arn:aws:sqs:us-east-1:1:dlq',
  PUNCTUAL_WAKE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:1:function:punctual-prod-engineWake',
  PUNCTUAL_SCHEDULER_ROLE_ARN: 'arn:aws:iam::1:role/s',
  PUNCTUAL_USER_POOL_ID: 'us-east-1_P',
  PUNCTUAL_STACK: 'punctual-test',
  PUNCTUAL_USER_POOL_CLIENT_ID: 'c',
};

describe('loadAwsConfig', () => {
  it('reads what serverless.ts sets, with the catalogue defaults', () => {
    const c = loadAwsConfig({ ...env, PUNCTUAL_USAGE_PLAN_PREFIX: 'punctual-', PUNCTUAL_USAGE_PLAN_SUFFIX: '-prod' });
    expect(c).toMatchObject({
      tableName: 'punctual-prod',
      userPoolId: 'us-east-1_P',
      usagePlanSuffix: '-prod',
      logLevel: 'info',
      plans: defaultPlans,
    });
  });

  it('names the stack, and is read-only only when PUNCTUAL_READ_ONLY is exactly true (set on GET functions)', () => {
    expect(loadAwsConfig(env)).toMatchObject({ stackName: 'punctual-test', readOnly: false });
    expect(loadAwsConfig({ ...env, PUNCTUAL_READ_ONLY: 'true' }).readOnly).toBe(true);
    expect(loadAwsConfig({ ...env, PUNCTUAL_READ_ONLY: 'yes' }).readOnly).toBe(false);
  });

  it('takes the plan catalogue from PUNCTUAL_PLANS', () => {
    expect(loadAwsConfig({ ...env, PUNCTUAL_PLANS: '{"gold":{}}' }).plans).toEqual({ gold: {} });
  });

  it('points the AWS clients at PUNCTUAL_AWS_ENDPOINT when set, and leaves the SDK its own resolution otherwise', () => {
    expect(loadAwsConfig({ ...env, PUNCTUAL_AWS_ENDPOINT: 'http://127.0.0.1:5000' }).endpoint).toBe('http://127.0.0.1:5000');
    expect(loadAwsConfig(env)).not.toHaveProperty('endpoint');
    expect(loadAwsConfig({ ...env, PUNCTUAL_AWS_ENDPOINT: '' })).not.toHaveProperty('endpoint');
  });

  it.each([
    ['a missing variable', { ...env, PUNCTUAL_TABLE_NAME: '' }, /PUNCTUAL_TABLE_NAME must be set/],
    ['no stack name', { ...env, PUNCTUAL_STACK: '' }, /PUNCTUAL_STACK must be set/],
    ['bad plans JSON', { ...env, PUNCTUAL_PLANS: '{' }, /PUNCTUAL_PLANS/],
    ['an unknown log level', { ...env, PUNCTUAL_LOG_LEVEL: 'loud' }, /PUNCTUAL_LOG_LEVEL/],
    ['an endpoint that is not a URL', { ...env, PUNCTUAL_AWS_ENDPOINT: 'localhost 5000' }, /PUNCTUAL_AWS_ENDPOINT/],
  ])('refuses %s', (_, e, message) => {
    expect(() => loadAwsConfig(e)).toThrow(ConfigError);
    expect(() => loadAwsConfig(e)).toThrow(message);
  });
});
