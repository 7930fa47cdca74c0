/**
 * The names of the AWS runtime's delivery metrics, shared by the code that emits them (powertools.ts) and the stack's
 * alarms and dashboard that read them (infra/alarms.ts). Nothing else here: the stack imports it at package time.
 */

/** The CloudWatch namespace of the EMF metrics. */
export const metricsNamespace = 'Punctual';

/** The service name on every log line and metric (`service` dimension). */
export const serviceName = 'punctual';

/** The dimension naming the stack (`<service>-<stage>`), so one account's stages have separate metrics and alarms. */
export const stackDimension = 'stack';

/** Metric names and units (namespace `Punctual`). */
export const deliveryMetricNames = {
  delivered: 'Deliveries',
  retry: 'Retries',
  failed: 'Failures',
  lateness: 'LatenessMs',
  duration: 'AttemptDurationMs',
} as const;
