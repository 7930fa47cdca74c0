import { aggregateUsage } from './aggregate';

describe('aggregateUsage', () => {
  const at = Date.UTC(2026, 10, 23, 12);
  const k = { tenantId: 'ten_a', keyId: 'key_1' };

  it('counts each event kind against its key and UTC day', () => {
    const rows = aggregateUsage([
      { type: 'request', ...k, at },
      { type: 'request', ...k, at },
      { type: 'message_created', ...k, at },
      { type: 'attempt_finished', ...k, at },
      { type: 'attempt_finished', ...k, at, final: 'delivered' },
      { type: 'attempt_finished', ...k, at, final: 'failed' },
      { type: 'request', ...k, at: Date.UTC(2026, 10, 24, 0, 0, 1) },
      { type: 'request', tenantId: 'ten_a', keyId: 'key_2', at },
    ]);
    expect(rows).toEqual([
      { ...k, date: '2026-11-23', requests: 2, messagesScheduled: 1, deliveries: 1, attempts: 3, failures: 1 },
      { ...k, date: '2026-11-24', requests: 1, messagesScheduled: 0, deliveries: 0, attempts: 0, failures: 0 },
      { tenantId: 'ten_a', keyId: 'key_2', date: '2026-11-23', requests: 1, messagesScheduled: 0, deliveries: 0, attempts: 0, failures: 0 },
    ]);
  });

  it('is empty for no events', () => {
    expect(aggregateUsage([])).toEqual([]);
  });
});
