/**
 * The AWS resources a target names (an SQS queue URL, SNS topic and EventBridge bus ARNs), read
 * without any SDK: the account (the AWS runtime refuses its own), and the region to send from.
 */

/** An AWS resource named by a target. */
export interface AwsResource {
  /** The 12-digit account that owns it. */
  accountId: string;
  /** Its region, when the name tells (an emulator's queue URL does not). */
  region?: string;
  /** The queue, topic or bus name. */
  name: string;
}

const accountId = /^\d{12}$/;
const queueName = /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
/** `sqs.<region>.amazonaws.com`, the legacy `<region>.queue.amazonaws.com`, and us-east-1's `queue.amazonaws.com`. */
const sqsHost = /^(?:sqs\.([a-z0-9-]+)|(?:([a-z0-9-]+)\.)?queue)\.amazonaws\.com(?:\.cn)?$/;

/** The queue a URL names (`https://sqs.<region>.amazonaws.com/<account>/<name>`), or why it names none. */
export const parseQueueUrl = (value: string): AwsResource | string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a queue URL such as https://sqs.us-east-1.amazonaws.com/123456789012/orders';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) queue URL';
  if (url.username || url.password || url.search || url.hash) return 'must be a plain queue URL (no credentials, query or fragment)';
  const [, account, name, ...rest] = url.pathname.split('/');
  if (rest.length || !account || !accountId.test(account) || !name || !queueName.test(name))
    return 'must end in /<12-digit account>/<queue name>';
  const host = sqsHost.exec(url.hostname);
  const region = host ? (host[1] ?? host[2] ?? 'us-east-1') : undefined;
  return { accountId: account, name, ...(region ? { region } : {}) };
};

/** Whether a queue URL names an AWS host (an emulator's does not: it is only accepted with `PUNCTUAL_AWS_ENDPOINT`). */
export const isAwsQueueHost = (value: string): boolean => URL.canParse(value) && sqsHost.test(new URL(value).hostname);

const arnPattern = /^arn:(aws|aws-cn|aws-us-gov):([a-z0-9-]+):([a-z0-9-]+):(\d{12}):(.+)$/;

/** The resource of an ARN of `service` whose resource part matches `resource` (group 1 is the name), or why not. */
export const parseArn = (value: string, service: 'sns' | 'events', resource: RegExp): AwsResource | string => {
  const m = arnPattern.exec(value);
  const example =
    service === 'sns' ? 'arn:aws:sns:us-east-1:123456789012:orders' : 'arn:aws:events:us-east-1:123456789012:event-bus/orders';
  if (!m || m[2] !== service) return `must be an ${service === 'sns' ? 'SNS topic' : 'EventBridge event bus'} ARN such as ${example}`;
  const name = resource.exec(m[5]);
  if (!name) return `must be an ${service === 'sns' ? 'SNS topic' : 'EventBridge event bus'} ARN such as ${example}`;
  return { accountId: m[4], region: m[3], name: name[1] };
};

export const topicResource = /^([A-Za-z0-9_-]{1,256})$/;
export const busResource = /^event-bus\/([A-Za-z0-9._\-/]{1,256})$/;
