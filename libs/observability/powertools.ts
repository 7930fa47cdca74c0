import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DeliveryMetrics } from '../engine/metrics';
import { redactFields, scrub, type Logger, type LogLevel } from './logger';
import { deliveryMetricNames, metricsNamespace, serviceName, stackDimension } from './metric-names';

export { deliveryMetricNames, serviceName };

/**
 * Our `Logger` on Powertools (Lambda request id, cold start and X-Ray trace id come with it), with the
 * same redaction as the JSON-lines logger: secret-named fields (`x-api-key`, `secret`, `headers`, …)
 * and credential-looking values (`whsec_…`, `pk_…`, `pat_…`, bearer tokens) never reach CloudWatch.
 * Pass `logger` to share one Powertools instance (e.g. with its `injectLambdaContext` middleware).
 */
export const createPowertoolsLogger = (
  level: LogLevel = 'info',
  logger = new PowertoolsLogger({ serviceName, logLevel: level.toUpperCase() as Uppercase<LogLevel> }),
): Logger => {
  const log = (method: 'debug' | 'info' | 'warn' | 'error') => (msg: string, fields?: Record<string, unknown>) =>
    fields ? logger[method](scrub(msg), redactFields(fields)) : logger[method](scrub(msg));
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
};

/**
 * `DeliveryMetrics` as CloudWatch embedded metric format (EMF) lines on stdout: CloudWatch Logs turns
 * them into metrics, with no PutMetricData call on the delivery path. Values are buffered until
 * `flush` (Powertools also flushes on its own at 100 values of one metric).
 */
export class PowertoolsDeliveryMetrics implements DeliveryMetrics {
  private pending = false;

  /** `stack`: the stack's name, a dimension of every metric (the stack's alarms watch their own stage's). */
  constructor(
    stack?: string,
    private readonly metrics = new Metrics({
      namespace: metricsNamespace,
      serviceName,
      ...(stack ? { defaultDimensions: { [stackDimension]: stack } } : {}),
    }),
  ) {}

  attempt(input: { outcome: 'delivered' | 'retry' | 'failed'; latenessMs?: number; durationMs: number }): void {
    this.metrics.addMetric(deliveryMetricNames[input.outcome], MetricUnit.Count, 1);
    if (input.latenessMs !== undefined) this.metrics.addMetric(deliveryMetricNames.lateness, MetricUnit.Milliseconds, input.latenessMs);
    this.metrics.addMetric(deliveryMetricNames.duration, MetricUnit.Milliseconds, input.durationMs);
    this.pending = true;
  }

  flush(): void {
    // Powertools warns on an empty flush; an invocation without attempts has nothing to say.
    if (!this.pending) return;
    this.pending = false;
    this.metrics.publishStoredMetrics();
  }
}
