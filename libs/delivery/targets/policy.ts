import { busResource, isAwsQueueHost, parseArn, parseQueueUrl, topicResource, type AwsResource } from '../../apps/aws-resources';
import { TargetUnavailableError } from '../../apps/errors';
import type { Target } from '../../apps/model';
import { ValidationError } from '../../domain/errors';
import { assertTargetUrl } from '../ssrf';

/** What a runtime can send, and what its operator allows: the differences between runtimes, as data. */
export interface TargetPolicyOptions {
  /** Whether webhooks may reach private, loopback and link-local addresses. */
  allowPrivateTargets: boolean;
  /** The only ports webhooks may use, or `'any'`. @default by `allowPrivateTargets` (libs/delivery/ssrf.ts) */
  egressPorts?: readonly number[] | 'any';
  /** How email is sent here: `missing` names the setting without which it cannot be (e.g. `PUNCTUAL_SMTP_URL`). */
  email: { missing: string } | { defaultFrom?: string };
  /** Where AWS clients send (`PUNCTUAL_AWS_ENDPOINT`, an emulator): queue URLs of any host are then accepted. */
  awsEndpoint?: string;
  /**
   * The AWS runtime only: the deployment's own account, refused as a target unless in `allowlist`
   * (`PUNCTUAL_TARGET_ACCOUNT_ALLOWLIST`). An unknown own account refuses every AWS target (fail closed).
   */
  ownAccount?: { accountId: string | undefined; allowlist: readonly string[] };
}

/** The AWS resource a target names, with the field that names it; undefined for http and email. */
export const awsResourceOf = (target: Target): { resource: AwsResource | string; path: string } | undefined => {
  switch (target.type) {
    case 'sqs':
      return { resource: parseQueueUrl(target.queueUrl), path: 'target.queueUrl' };
    case 'sns':
      return { resource: parseArn(target.topicArn, 'sns', topicResource), path: 'target.topicArn' };
    case 'eventbridge':
      return { resource: parseArn(target.eventBusArn, 'events', busResource), path: 'target.eventBusArn' };
    default:
      return undefined;
  }
};

/** Why the operator does not allow sending to `accountId`, or undefined when it may be. */
export const accountRefusal = (o: Pick<TargetPolicyOptions, 'ownAccount'>, accountId: string): string | undefined => {
  const own = o.ownAccount;
  if (!own) return undefined;
  if (own.accountId === undefined) return "this deployment's own AWS account is unknown, so no AWS target can be checked against it";
  if (accountId === own.accountId && !own.allowlist.includes(accountId))
    return (
      `account ${accountId} is this deployment's own, which targets may not name ` +
      '(the operator may allow it with PUNCTUAL_TARGET_ACCOUNT_ALLOWLIST)'
    );
  return undefined;
};

/**
 * The create-time check of a target beyond its shape (libs/apps/schemas.ts): a webhook URL the SSRF policy
 * allows, email only where it can be sent, AWS resources on AWS hosts (or the emulator) and outside the
 * deployment's own account. Throws ValidationError or TargetUnavailableError; the same code in both runtimes.
 */
export const targetPolicy =
  (o: TargetPolicyOptions) =>
  (target: Target): void => {
    if (target.type === 'http') {
      assertTargetUrl(target.url, {
        allowPrivateTargets: o.allowPrivateTargets,
        ...(o.egressPorts ? { allowedPorts: o.egressPorts } : {}),
      });
      return;
    }
    if (target.type === 'email') {
      if ('missing' in o.email) throw new TargetUnavailableError('email', `email needs ${o.email.missing}, which is not set here`);
      if (!target.from && !o.email.defaultFrom)
        throw new TargetUnavailableError('email', 'no sender: give target.from, or the operator sets PUNCTUAL_EMAIL_FROM', 'target.from');
      return;
    }
    const named = awsResourceOf(target);
    if (!named) return;
    if (typeof named.resource === 'string')
      throw new ValidationError(`${named.path} ${named.resource}`, [{ path: named.path, issue: named.resource }]);
    if (target.type === 'sqs' && !o.awsEndpoint && !(isAwsQueueHost(target.queueUrl) && target.queueUrl.startsWith('https:'))) {
      const issue = 'must be an Amazon SQS queue URL, https://sqs.<region>.amazonaws.com/<account>/<name>';
      throw new ValidationError(`${named.path} ${issue}`, [{ path: named.path, issue }]);
    }
    const refused = accountRefusal(o, named.resource.accountId);
    if (refused) throw new TargetUnavailableError(target.type, refused, named.path);
  };
