import { createPowertoolsLogger, PowertoolsDeliveryMetrics } from './powertools';

/** Everything written to stdout and stderr while `fn` runs, as lines. */
const capture = (fn: () => void): string[] => {
  const out: string[] = [];
  const grab = (chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(grab);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(grab);
  try {
    fn();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return out.join('').split('\n').filter(Boolean);
};

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const apiKey = 'pk_live_0123456789abcdefghijklmnop';

describe('createPowertoolsLogger', () => {
  it('writes JSON through Powertools with our redaction: secret fields and credential values never appear', () => {
    const lines = capture(() => {
      const logger = createPowertoolsLogger('info');
      logger.info(`signing with ${secret}`, {
        messageId: 'msg_1',
        'x-api-key': apiKey,
        target: { url: `https://example.com/hook?token=${apiKey}` },
        err: new Error(`bad secret ${secret}`),
      });
    });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'INFO',
      service: 'punctual',
      message: 'signing with [redacted]',
      messageId: 'msg_1',
      'x-api-key': '[redacted]',
    });
    expect((line.err as { message: string }).message).toBe('bad secret [redacted]');
    expect(lines[0]).not.toContain('whsec_');
    expect(lines[0]).not.toContain(apiKey);
  });

  it('drops lines below the level', () => {
    const lines = capture(() => {
      const logger = createPowertoolsLogger('warn');
      logger.info('quiet');
      logger.warn('loud');
      logger.error('louder', { attempt: 2 });
    });
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['loud', 'louder']);
  });
});

describe('PowertoolsDeliveryMetrics', () => {
  type Emf = {
    _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  } & Record<string, unknown>;

  it('writes one EMF line in namespace Punctual with counts and millisecond timings', () => {
    const metrics = new PowertoolsDeliveryMetrics();
    const lines = capture(() => {
      metrics.attempt({ outcome: 'delivered', latenessMs: 120, durationMs: 35 });
      metrics.attempt({ outcome: 'retry', latenessMs: 80, durationMs: 500 });
      metrics.attempt({ outcome: 'delivered', durationMs: 20 });
      metrics.attempt({ outcome: 'failed', durationMs: 10 });
      metrics.flush();
    });
    expect(lines).toHaveLength(1);
    const emf = JSON.parse(lines[0]) as Emf;
    const [directive] = emf._aws.CloudWatchMetrics;
    expect(directive.Namespace).toBe('Punctual');
    expect(directive.Dimensions).toEqual([['service']]);
    expect(Object.fromEntries(directive.Metrics.map((m) => [m.Name, m.Unit]))).toEqual({
      Deliveries: 'Count',
      Retries: 'Count',
      Failures: 'Count',
      LatenessMs: 'Milliseconds',
      AttemptDurationMs: 'Milliseconds',
    });
    expect(emf).toMatchObject({
      service: 'punctual',
      Deliveries: [1, 1],
      Retries: 1,
      Failures: 1,
      LatenessMs: [120, 80],
      AttemptDurationMs: [35, 500, 20, 10],
    });
    // Nothing but the metrics and their dimension: no ids, payloads, headers or secrets ride along.
    expect(Object.keys(emf).sort()).toEqual(['AttemptDurationMs', 'Deliveries', 'Failures', 'LatenessMs', 'Retries', '_aws', 'service']);
  });

  it('adds the stack as a dimension when given one, the dimensions the stack’s alarms watch (infra/alarms.ts)', () => {
    const metrics = new PowertoolsDeliveryMetrics('punctual-prod');
    const lines = capture(() => {
      metrics.attempt({ outcome: 'delivered', latenessMs: 7, durationMs: 3 });
      metrics.flush();
    });
    const emf = JSON.parse(lines[0]) as Emf;
    expect(emf._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'stack']]);
    expect(emf).toMatchObject({ service: 'punctual', stack: 'punctual-prod', LatenessMs: 7 });
  });

  it('writes nothing when no attempt was recorded, and starts afresh after a flush', () => {
    const metrics = new PowertoolsDeliveryMetrics();
    expect(capture(() => metrics.flush())).toEqual([]);
    capture(() => {
      metrics.attempt({ outcome: 'retry', durationMs: 1 });
      metrics.flush();
    });
    const lines = capture(() => {
      metrics.attempt({ outcome: 'failed', durationMs: 2 });
      metrics.flush();
      metrics.flush();
    });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ Failures: 1, AttemptDurationMs: 2 });
    expect(JSON.parse(lines[0])).not.toHaveProperty('Retries');
  });
});
