/**
 * What tells an operator the service is unwell: CloudWatch alarms on the dead-letter queues' depth, the engine
 * functions' errors, the hand-off's stream falling behind, delivery lateness (p99 of the EMF metric `LatenessMs`) and
 * the API's 5xx rate, each notifying an optional SNS topic; and one dashboard of deliveries, failures, lateness and throttles.
 */
import { deliveryMetricNames, metricsNamespace, serviceName, stackDimension } from '../libs/observability/metric-names';
import { deployedFunctionName, Logical, restApiName, service, stackName } from './names';

/** Thresholds of the alarms. */
export const alarmThresholds = {
  /** Messages in a dead-letter queue: any is a delivery, wake-up or hand-off that gave up. @default 1 */
  deadLetters: 1,
  /**
   * Age in ms of the oldest stream record a stream consumer has not done with (Lambda's `IteratorAge`): past it, the
   * hand-off is failing or behind, and messages due soon wait. @default 60000
   */
  iteratorAgeMs: 60_000,
  /** Errors of one engine function within a period. @default 1 */
  functionErrors: 1,
  /** Delivery lateness p99 (first attempt start − `sendAt`) in ms. @default 5000 */
  latenessP99Ms: 5_000,
  /** Share of API requests answered 5xx. @default 0.05 */
  api5xxRate: 0.05,
  /** Seconds per evaluated period. @default 300 */
  periodSeconds: 300,
} as const;

/** Options of the alarms and dashboard. */
export interface AlarmOptions {
  stage: string;
  /** The functions no client waits on (serverless names, e.g. `engineDeliver`, `ingest`): an errors alarm and a throttles line each. */
  engineFunctions: string[];
  /** The dead-letter queues, by logical id: a depth alarm each. */
  deadLetterQueues: string[];
  /** The stream consumers that must keep up (serverless names, e.g. `engineHandoff`): an iterator-age alarm each. @default none */
  streamFunctions?: string[];
  /** SNS topic ARN notified when an alarm fires and when it clears. @default none: the alarms only show in the console */
  topicArn?: string;
}

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The `Punctual` metrics of this stack's deliveries (the dimensions the runtime adds: libs/observability/powertools.ts). */
const deliveryDimensions = (stage: string) => [
  { Name: 'service', Value: serviceName },
  { Name: stackDimension, Value: stackName(stage) },
];

/** CloudFormation resources: one alarm per watched thing, and the dashboard. */
export const alarmResources = (o: AlarmOptions): Record<string, unknown> => {
  const actions = o.topicArn ? { AlarmActions: [o.topicArn], OKActions: [o.topicArn] } : {};
  const alarm = (name: string, description: string, metric: Record<string, unknown>) => ({
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${stackName(o.stage)}-${name}`,
      AlarmDescription: description,
      Period: alarmThresholds.periodSeconds,
      EvaluationPeriods: 1,
      // No data is no trouble: an idle stage sends no deliveries, errors or requests.
      TreatMissingData: 'notBreaching',
      ...metric,
      ...actions,
    },
  });
  const resources: Record<string, unknown> = {};
  for (const queue of o.deadLetterQueues) {
    resources[`Alarm${queue}Depth`] = alarm(
      `${queue}-depth`,
      'Messages in a dead-letter queue: deliveries, wake-ups or hand-offs that gave up. Inspect, fix, then redrive.',
      {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
        Statistic: 'Maximum',
        Threshold: alarmThresholds.deadLetters,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      },
    );
  }
  for (const fn of o.engineFunctions) {
    resources[`Alarm${pascal(fn)}Errors`] = alarm(`${fn}-errors`, `${fn} failed (an invocation threw or timed out): see its logs.`, {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: deployedFunctionName(fn, o.stage) }],
      Statistic: 'Sum',
      Threshold: alarmThresholds.functionErrors,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  }
  for (const fn of o.streamFunctions ?? []) {
    resources[`Alarm${pascal(fn)}IteratorAge`] = alarm(
      `${fn}-iterator-age`,
      `${fn} is more than ${alarmThresholds.iteratorAgeMs / 1000} s behind the table stream (failing or slow): see its logs.`,
      {
        Namespace: 'AWS/Lambda',
        MetricName: 'IteratorAge',
        Dimensions: [{ Name: 'FunctionName', Value: deployedFunctionName(fn, o.stage) }],
        Statistic: 'Maximum',
        Threshold: alarmThresholds.iteratorAgeMs,
        ComparisonOperator: 'GreaterThanThreshold',
      },
    );
  }
  resources.AlarmDeliveryLatenessP99 = alarm(
    'delivery-lateness-p99',
    `Deliveries start more than ${alarmThresholds.latenessP99Ms / 1000} s after sendAt (p99): the engine is behind.`,
    {
      Namespace: metricsNamespace,
      MetricName: deliveryMetricNames.lateness,
      Dimensions: deliveryDimensions(o.stage),
      ExtendedStatistic: 'p99',
      Threshold: alarmThresholds.latenessP99Ms,
      ComparisonOperator: 'GreaterThanThreshold',
    },
  );
  resources.AlarmApi5xxRate = alarm('api-5xx-rate', `More than ${alarmThresholds.api5xxRate * 100} % of API requests answered 5xx.`, {
    Namespace: 'AWS/ApiGateway',
    MetricName: '5XXError',
    Dimensions: [
      { Name: 'ApiName', Value: restApiName(o.stage) },
      { Name: 'Stage', Value: o.stage },
    ],
    // 5XXError is 1 per failed request and 0 otherwise: its average is the rate.
    Statistic: 'Average',
    Threshold: alarmThresholds.api5xxRate,
    ComparisonOperator: 'GreaterThanThreshold',
  });
  resources[Logical.dashboard] = dashboard(o);
  return resources;
};

/** The dashboard: deliveries and failures, lateness, throttles, and the alarms' other inputs. */
const dashboard = (o: AlarmOptions) => {
  const dims = deliveryDimensions(o.stage).flatMap((d) => [d.Name, d.Value]);
  const punctual = (metric: string, extra: Record<string, unknown>) => [metricsNamespace, metric, ...dims, extra];
  const widget = (x: number, y: number, title: string, properties: Record<string, unknown>) => ({
    type: 'metric',
    x,
    y,
    width: 12,
    height: 6,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub pseudo parameter, not a JS template
    properties: { title, region: '${AWS::Region}', view: 'timeSeries', period: 60, ...properties },
  });
  const body = {
    widgets: [
      widget(0, 0, 'Deliveries and failures', {
        stat: 'Sum',
        metrics: [
          punctual(deliveryMetricNames.delivered, { label: 'delivered' }),
          punctual(deliveryMetricNames.retry, { label: 'retried' }),
          punctual(deliveryMetricNames.failed, { label: 'failed' }),
        ],
      }),
      widget(12, 0, 'Delivery lateness (first attempt − sendAt, ms)', {
        metrics: [
          punctual(deliveryMetricNames.lateness, { stat: 'p50', label: 'p50' }),
          punctual(deliveryMetricNames.lateness, { stat: 'p99', label: 'p99' }),
        ],
        annotations: { horizontal: [{ label: 'p99 alarm', value: alarmThresholds.latenessP99Ms }] },
      }),
      widget(0, 6, 'Throttles', {
        stat: 'Sum',
        metrics: [
          ['AWS/Lambda', 'Throttles', { label: 'Lambda throttles (account)' }],
          ...o.engineFunctions.map((fn) => ['AWS/Lambda', 'Throttles', 'FunctionName', deployedFunctionName(fn, o.stage), { label: fn }]),
          // Usage-plan throttles and quotas answer 429, counted with API Gateway's other 4xx.
          ['AWS/ApiGateway', '4XXError', 'ApiName', restApiName(o.stage), 'Stage', o.stage, { label: 'API 4xx (429 included)' }],
        ],
      }),
      widget(12, 6, 'Dead letters and API errors', {
        metrics: [
          ...o.deadLetterQueues.map((queue) => [
            'AWS/SQS',
            'ApproximateNumberOfMessagesVisible',
            'QueueName',
            `\${${queue}.QueueName}`,
            { stat: 'Maximum', label: `${queue} depth` },
          ]),
          [
            'AWS/ApiGateway',
            '5XXError',
            'ApiName',
            restApiName(o.stage),
            'Stage',
            o.stage,
            { stat: 'Average', label: 'API 5xx rate', yAxis: 'right' },
          ],
        ],
      }),
    ],
  };
  return {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: { DashboardName: `${service}-${o.stage}`, DashboardBody: { 'Fn::Sub': JSON.stringify(body) } },
  };
};
