import type { Message } from '../../messages/model';
import { Dispatcher } from './dispatcher';

describe('Dispatcher', () => {
  const message = (appId: string, i: number) => ({ id: `${appId}-${i}`, appId }) as Message;

  describe('pump', () => {
    it('holds each app to an equal share of the global slots when together they could fill them', () => {
      const running: string[] = [];
      // Never finishing: every started delivery keeps its slot.
      const hold = new Dispatcher(
        { maxInFlight: 8 },
        () => 8,
        (m) => {
          running.push(m.appId);
          return new Promise<void>(() => undefined);
        },
        () => undefined,
      );
      for (let i = 0; i < 20; i++) hold.push(message('sick', i));
      for (let i = 0; i < 20; i++) hold.push(message('healthy', i));
      hold.pump();
      expect(running.filter((a) => a === 'sick')).toHaveLength(4);
      expect(running.filter((a) => a === 'healthy')).toHaveLength(4);
    });

    it('lets a lone app use its own limit, up to every global slot', () => {
      const running: string[] = [];
      const d = new Dispatcher(
        { maxInFlight: 8 },
        () => 6,
        (m) => {
          running.push(m.appId);
          return new Promise<void>(() => undefined);
        },
        () => undefined,
      );
      for (let i = 0; i < 20; i++) d.push(message('only', i));
      d.pump();
      expect(running).toHaveLength(6);
    });
  });

  describe('trim', () => {
    it('takes queued messages beyond `keep` off each queue, keeping at least one', () => {
      const d = new Dispatcher<Message>(
        { maxInFlight: 0 },
        () => 1,
        async () => undefined,
        () => undefined,
      );
      for (let i = 0; i < 5; i++) d.push(message('a', i));
      d.push(message('b', 0));
      expect(d.trim(2).map((m) => m.id)).toEqual(['a-2', 'a-3', 'a-4']);
      expect([d.queuedFor('a'), d.queuedFor('b'), d.load]).toEqual([2, 1, 3]);
      expect(d.trim(0)).toHaveLength(1);
    });
  });
});
