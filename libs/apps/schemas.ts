import { z } from 'zod';
import { headersSchema } from '../domain/validate';
import { chainLinkSchema, retryPolicySchema } from '../domain/schemas';
import { busResource, parseArn, parseQueueUrl, topicResource } from './aws-resources';
import { httpMethods, maxEmailRecipients, targetTypes } from './model';
import { subjectProblem } from './subject';

const httpTargetSchema = z.strictObject({
  type: z.literal('http'),
  url: z.string().max(2048),
  method: z.enum(httpMethods, { error: `must be one of ${httpMethods.join(', ')}` }).optional(),
  headers: headersSchema.optional(),
  timeoutMs: z.number().int().min(100).max(60_000).optional(),
});

// Plain addresses only: a display name is one more place for a header injection, and SES wants them verified anyway.
const address = z.email({ error: 'must be an email address such as ops@example.com' }).max(254);
const recipients = z.array(address).max(maxEmailRecipients);

const emailTargetSchema = z
  .strictObject({
    type: z.literal('email'),
    to: recipients.min(1, 'give at least one recipient'),
    cc: recipients.optional(),
    bcc: recipients.optional(),
    from: address.optional(),
    subject: z
      .string()
      .min(1)
      .max(500)
      .regex(/^[^\r\n]*$/, 'must be one line')
      .superRefine((s, ctx) => {
        const problem = subjectProblem(s);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
  })
  .refine((t) => t.to.length + (t.cc?.length ?? 0) + (t.bcc?.length ?? 0) <= maxEmailRecipients, {
    message: `at most ${maxEmailRecipients} recipients in to, cc and bcc together`,
    path: ['to'],
  });

/** Adds a zod issue when `parse` returns a reason rather than a resource. */
const resource =
  (parse: (value: string) => object | string) =>
  (value: string, ctx: z.RefinementCtx): void => {
    const r = parse(value);
    if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: r });
  };

const sqsTargetSchema = z
  .strictObject({
    type: z.literal('sqs'),
    queueUrl: z.string().max(2048).superRefine(resource(parseQueueUrl)),
    messageGroupId: z
      .string()
      .regex(/^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/, 'must be 1 to 128 letters, digits or punctuation')
      .optional(),
  })
  .superRefine((t, ctx) => {
    const fifo = t.queueUrl.endsWith('.fifo');
    if (fifo && t.messageGroupId === undefined)
      ctx.addIssue({ code: 'custom', path: ['messageGroupId'], message: 'is required for a FIFO queue' });
    if (!fifo && t.messageGroupId !== undefined)
      ctx.addIssue({ code: 'custom', path: ['messageGroupId'], message: 'applies to FIFO queues (.fifo) only' });
  });

// SNS allows 10 attributes a message; punctual sets 4 of its own.
const maxSnsAttributes = 6;
const attributeName = /^(?!aws\.|amazon\.|punctual-)(?!.*\.\.)[A-Za-z0-9_.-]{1,256}$/i;

const snsTargetSchema = z.strictObject({
  type: z.literal('sns'),
  topicArn: z
    .string()
    .max(2048)
    .superRefine((arn, ctx) => {
      if (arn.endsWith('.fifo')) ctx.addIssue({ code: 'custom', message: 'FIFO topics are not supported; use a standard topic' });
      else resource((v) => parseArn(v, 'sns', topicResource))(arn, ctx);
    }),
  messageAttributes: z
    .record(
      z
        .string()
        .regex(attributeName, 'must be an SNS attribute name (letters, digits, _ - .), not starting with AWS., Amazon. or punctual-'),
      z.string().min(1).max(1024),
    )
    .refine((a) => Object.keys(a).length <= maxSnsAttributes, `at most ${maxSnsAttributes} attributes`)
    .optional(),
});

const eventBridgeTargetSchema = z.strictObject({
  type: z.literal('eventbridge'),
  eventBusArn: z
    .string()
    .max(1600)
    .superRefine(resource((v) => parseArn(v, 'events', busResource))),
  source: z
    .string()
    .min(1)
    .max(256)
    .refine((s) => !s.toLowerCase().startsWith('aws.'), 'must not start with "aws." (reserved for AWS services)'),
  detailType: z.string().min(1).max(128),
});

const typeList = targetTypes.map((t) => `"${t}"`).join(', ');

/** An app's target: one shape per `type`; an unknown type names the known ones. */
export const targetSchema = z.discriminatedUnion(
  'type',
  [httpTargetSchema, emailTargetSchema, sqsTargetSchema, snsTargetSchema, eventBridgeTargetSchema],
  {
    error: (issue) =>
      issue.code === 'invalid_union' && (issue as { note?: string }).note === 'No matching discriminator'
        ? `must be one of ${typeList}`
        : undefined,
  },
);

const appFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  target: targetSchema,
  retryPolicy: retryPolicySchema.optional(),
  maxConcurrency: z.number().int().min(1).max(1_000).optional(),
  onSuccess: chainLinkSchema.optional(),
  onFailure: chainLinkSchema.optional(),
};

export const appCreateSchema = z.strictObject(appFields);
export type AppCreateInput = z.output<typeof appCreateSchema>;

export const appUpdateSchema = z
  .strictObject({
    ...appFields,
    name: appFields.name.optional(),
    target: targetSchema.optional(),
    status: z.enum(['active', 'disabled']).optional(),
    // null removes the link.
    onSuccess: chainLinkSchema.nullable().optional(),
    onFailure: chainLinkSchema.nullable().optional(),
  })
  .refine((u) => Object.keys(u).length > 0, 'give at least one field to change');
export type AppUpdateInput = z.output<typeof appUpdateSchema>;
