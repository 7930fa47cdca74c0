import { ManualClock } from '../../domain/clock';
import type { Message } from '../../messages/model';
import type { AttemptResult, DueRef } from '../../messages/port';
import { createLogger } from '../../observability/logger';
import { OutcomeWriter } from './outcomes';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const message = (id: string) => ({ id, tenantId: 'ten_1', appId: 'app_1', attemptCount: 0 }) as Message;
const result = (id: string, status: AttemptResult['status'], dueAt?: number): AttemptResult => ({
  attempt: {
    messageId: id,
    tenantId: 'ten_1',
    attempt: 1,
    startedAt: T0,
    durationMs: 3,
    outcome: status === 'delivered' ? 'success' : 'retry',
  },
  status,
  ...(dueAt !== undefined ? { dueAt } : {}),
});
const nextTurn = () => new Promise((r) => setImmediate(r));

/** A writer over a recording store; `failing` makes `complete` throw. */
const writerWith = (failing = false) => {
  const commits: AttemptResult[][] = [];
  const retried: (DueRef & { appId: string })[][] = [];
  const observed: string[] = [];
  const writer = new OutcomeWriter({
    messages: {
      complete: async (results) => {
        if (failing) throw new Error('disk full');
        commits.push(results);
        return [];
      },
    },
    clock: new ManualClock(T0),
    logger: createLogger('silent'),
    onAttempt: (m, r) => observed.push(`${m.id}:${r.status}`),
    retry: async (refs) => void retried.push(refs),
  });
  return { writer, commits, retried, observed };
};

describe('OutcomeWriter', () => {
  describe('add', () => {
    it('writes the results of one event-loop turn in one commit, then observes them and hands back the retries', async () => {
      const w = writerWith();
      w.writer.add(message('ok'), result('ok', 'delivered'));
      w.writer.add(message('again'), result('again', 'scheduled', T0 + 2_000));
      w.writer.add(message('gave-up'), result('gave-up', 'failed'));
      await nextTurn();
      await w.writer.flush();

      expect(w.commits.map((c) => c.map((r) => r.attempt.messageId))).toEqual([['ok', 'again', 'gave-up']]);
      expect(w.observed).toEqual(['ok:delivered', 'again:scheduled', 'gave-up:failed']);
      expect(w.retried).toEqual([[{ id: 'again', tenantId: 'ten_1', dueAt: T0 + 2_000, appId: 'app_1' }]]);
    });

    it('commits a later turn separately', async () => {
      const w = writerWith();
      w.writer.add(message('a'), result('a', 'delivered'));
      await nextTurn();
      w.writer.add(message('b'), result('b', 'delivered'));
      await nextTurn();
      await w.writer.flush();

      expect(w.commits.map((c) => c.map((r) => r.attempt.messageId))).toEqual([['a'], ['b']]);
    });
  });

  describe('flush', () => {
    it('writes what is queued now (a close does not wait for the next turn), and nothing when nothing is', async () => {
      const w = writerWith();
      w.writer.add(message('a'), result('a', 'delivered'));
      await w.writer.flush();
      expect(w.commits).toHaveLength(1);
      await w.writer.flush();
      await nextTurn();
      expect(w.commits).toHaveLength(1);
    });

    it('on a failed write, neither observes nor retries (the messages stay delivering until recovery), and keeps writing', async () => {
      const w = writerWith(true);
      w.writer.add(message('a'), result('a', 'scheduled', T0 + 1_000));
      await w.writer.flush();

      expect([w.commits, w.observed, w.retried]).toEqual([[], [], []]);
      w.writer.add(message('b'), result('b', 'delivered'));
      await expect(w.writer.flush()).resolves.toBeUndefined();
    });
  });
});
