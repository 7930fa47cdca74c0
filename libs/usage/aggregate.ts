import { utcDate } from './limits';
import { zeroCounters, type UsageEvent, type UsageRow } from './model';

/**
 * Folds change events into per key, per day increments. Pure: the embedded meter feeds it
 * in-process, the AWS stream aggregator feeds it from DynamoDB stream records.
 */
export const aggregateUsage = (events: Iterable<UsageEvent>): UsageRow[] => {
  const rows = new Map<string, UsageRow>();
  for (const e of events) {
    const date = utcDate(e.at);
    const id = `${e.keyId}|${date}`;
    let row = rows.get(id);
    if (!row) {
      row = { tenantId: e.tenantId, keyId: e.keyId, date, ...zeroCounters() };
      rows.set(id, row);
    }
    switch (e.type) {
      case 'request':
        row.requests++;
        break;
      case 'message_created':
        row.messagesScheduled++;
        break;
      case 'attempt_finished':
        row.attempts++;
        if (e.final === 'delivered') row.deliveries++;
        if (e.final === 'failed') row.failures++;
        break;
    }
  }
  return [...rows.values()];
};
