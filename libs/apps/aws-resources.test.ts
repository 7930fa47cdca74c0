import { busResource, isAwsQueueHost, parseArn, parseQueueUrl, topicResource } from './aws-resources';

describe('parseQueueUrl', () => {
  it('reads the account, region and name of AWS queue URLs', () => {
    expect(parseQueueUrl('https://sqs.eu-west-1.amazonaws.com/123456789012/orders')).toEqual({
      accountId: '123456789012',
      region: 'eu-west-1',
      name: 'orders',
    });
    expect(parseQueueUrl('https://queue.amazonaws.com/123456789012/a.fifo')).toEqual({
      accountId: '123456789012',
      region: 'us-east-1',
      name: 'a.fifo',
    });
    expect(parseQueueUrl('https://ap-south-1.queue.amazonaws.com/123456789012/q')).toMatchObject({ region: 'ap-south-1' });
  });

  it("reads an emulator's URL without a region, and refuses what is not a queue URL", () => {
    expect(parseQueueUrl('http://127.0.0.1:5000/123456789012/q')).toEqual({ accountId: '123456789012', name: 'q' });
    expect(isAwsQueueHost('http://127.0.0.1:5000/123456789012/q')).toBe(false);
    expect(isAwsQueueHost('https://sqs.us-east-1.amazonaws.com/123456789012/q')).toBe(true);
    for (const bad of [
      '',
      'q',
      'https://sqs.x.amazonaws.com/12345/q',
      'https://sqs.x.amazonaws.com/123456789012/q/extra',
      'https://h/123456789012/q?x=1',
    ])
      expect(typeof parseQueueUrl(bad)).toBe('string');
  });
});

describe('parseArn', () => {
  it('reads topic and bus ARNs of every partition', () => {
    expect(parseArn('arn:aws:sns:us-east-1:123456789012:web_action', 'sns', topicResource)).toEqual({
      accountId: '123456789012',
      region: 'us-east-1',
      name: 'web_action',
    });
    expect(parseArn('arn:aws-us-gov:events:us-gov-west-1:123456789012:event-bus/default', 'events', busResource)).toMatchObject({
      name: 'default',
    });
  });

  it('refuses another service or resource', () => {
    expect(typeof parseArn('arn:aws:sqs:us-east-1:123456789012:q', 'sns', topicResource)).toBe('string');
    expect(typeof parseArn('arn:aws:events:us-east-1:123456789012:rule/r', 'events', busResource)).toBe('string');
    expect(typeof parseArn('arn:aws:sns:us-east-1:1234:t', 'sns', topicResource)).toBe('string');
  });
});
