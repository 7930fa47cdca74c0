/**
 * Ingestion from SNS and SQS (README, *Ingestion from SNS and SQS*): a topic publishers send to, a queue subscribed to it
 * with raw message delivery (the body is the request body, the attributes arrive as SQS message attributes), its
 * dead-letter queue, and the `ingest` function that consumes the queue (functions/ingest/handler.ts).
 */
import { functionIam } from './iam';
import { Logical, roleLogicalId } from './names';

/** The ingest function's timeout: a batch of 10 records, each a few table writes (a batch body: up to 100 messages). */
export const ingestTimeoutSeconds = 60;

/** @default receives of a record that keeps failing transiently before SQS moves it to the dead-letter queue */
export const ingestMaxReceiveCount = 5;

const name = 'ingest';

/** The topic, the queues, the subscription and the queue policy that lets the topic send. */
export const ingestResources = (stage: string) => ({
  [Logical.ingestTopic]: { Type: 'AWS::SNS::Topic', Properties: { TopicName: `punctual-${stage}-ingest` } },
  [Logical.ingestDlq]: {
    Type: 'AWS::SQS::Queue',
    Properties: { QueueName: `punctual-${stage}-ingest-dlq`, MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true },
  },
  [Logical.ingestQueue]: {
    Type: 'AWS::SQS::Queue',
    Properties: {
      QueueName: `punctual-${stage}-ingest`,
      // Six times the function's timeout, as AWS recommends for SQS event sources.
      VisibilityTimeout: 6 * ingestTimeoutSeconds,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Logical.ingestDlq, 'Arn'] }, maxReceiveCount: ingestMaxReceiveCount },
    },
  },
  [Logical.ingestQueuePolicy]: {
    Type: 'AWS::SQS::QueuePolicy',
    Properties: {
      Queues: [{ Ref: Logical.ingestQueue }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': [Logical.ingestQueue, 'Arn'] },
            Condition: { ArnEquals: { 'aws:SourceArn': { Ref: Logical.ingestTopic } } },
          },
        ],
      },
    },
  },
  [Logical.ingestSubscription]: {
    Type: 'AWS::SNS::Subscription',
    Properties: {
      TopicArn: { Ref: Logical.ingestTopic },
      Protocol: 'sqs',
      Endpoint: { 'Fn::GetAtt': [Logical.ingestQueue, 'Arn'] },
      RawMessageDelivery: true,
    },
  },
});

/**
 * The ingest function and its role: it creates messages and schedules as the API functions do (table, delivery queue
 * and wake-ups, quota reads from the usage plans), consumes the ingest queue and dead-letters refusals.
 */
export const ingestFunction = (stage: string, plans: string[]) => ({
  functions: {
    [name]: {
      handler: 'functions/ingest/handler.handler',
      role: roleLogicalId(name),
      timeout: ingestTimeoutSeconds,
      environment: { PUNCTUAL_INGEST_DLQ_URL: { Ref: Logical.ingestDlq } },
      events: [
        {
          sqs: {
            arn: { 'Fn::GetAtt': [Logical.ingestQueue, 'Arn'] },
            batchSize: 10,
            functionResponseType: 'ReportBatchItemFailures',
          },
        },
      ],
    },
  },
  // Like the API functions, it sends nothing to the engine: the table stream hands what it writes over (engineHandoff).
  roles: functionIam(name, stage, { table: 'write', gatewayKeys: false, gatewayUsage: true, consumeIngest: true }, plans),
});
