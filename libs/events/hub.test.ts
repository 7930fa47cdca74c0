import { ManualClock } from '../domain/clock';
import { EventHub } from './hub';
import type { LiveEvent } from './model';

/** A listener that records what it receives. */
const recorder = (appId?: string) => {
  const got: LiveEvent[] = [];
  return { got, listener: { ...(appId ? { appId } : {}), receive: (events: LiveEvent[]) => got.push(...events) } };
};
/** Lets the hub's once-per-turn delivery run. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('EventHub', () => {
  let clock: ManualClock;
  let hub: EventHub;
  beforeEach(() => {
    clock = new ManualClock(Date.UTC(2026, 5, 1));
    hub = new EventHub(clock, { retentionMs: 600_000, maxPerTenant: 5 });
  });
  afterEach(() => hub.close());

  describe('publish', () => {
    it('delivers a tenant’s events to its listeners, in order, in one batch per turn, with increasing ids', async () => {
      const a = recorder();
      hub.subscribe('ten_a', a.listener);
      hub.publish('ten_a', 'message.created', { appId: 'app_1', messageId: 'msg_1', status: 'scheduled' });
      hub.publish('ten_a', 'message.delivered', { appId: 'app_1', messageId: 'msg_1', status: 'delivered' });
      expect(a.got).toEqual([]); // never inside the publisher's call
      await turn();
      expect(a.got.map((e) => e.type)).toEqual(['message.created', 'message.delivered']);
      expect(a.got[1].id).toBeGreaterThan(a.got[0].id);
    });

    it('never shows one tenant’s events to another', async () => {
      const a = recorder();
      const b = recorder();
      hub.subscribe('ten_a', a.listener);
      hub.subscribe('ten_b', b.listener);
      hub.publish('ten_a', 'message.created', { appId: 'app_1', messageId: 'msg_1' });
      await turn();
      expect(a.got).toHaveLength(1);
      expect(b.got).toEqual([]);
    });

    it('shows a listener bound to an app only that app’s events', async () => {
      const one = recorder('app_1');
      hub.subscribe('ten_a', one.listener);
      hub.publish('ten_a', 'message.created', { appId: 'app_2', messageId: 'msg_2' });
      hub.publish('ten_a', 'message.created', { appId: 'app_1', messageId: 'msg_1' });
      await turn();
      expect(one.got.map((e) => e.data.messageId)).toEqual(['msg_1']);
    });

    it('says which tenants are watched: listened to now, or within the retention', () => {
      expect(hub.watched('ten_a')).toBe(false);
      const { unsubscribe } = hub.subscribe('ten_a', recorder().listener);
      expect(hub.watched('ten_a')).toBe(true);
      expect(hub.watched('ten_b')).toBe(false);
      unsubscribe();
      clock.advance(600_000);
      hub.sweep();
      expect(hub.watched('ten_a')).toBe(true);
      clock.advance(1);
      hub.sweep();
      expect(hub.watched('ten_a')).toBe(false);
    });

    it('keeps nothing for a tenant nobody watches', async () => {
      hub.publish('ten_a', 'message.created', { appId: 'app_1', messageId: 'msg_0' });
      const a = recorder();
      const { missed } = hub.subscribe('ten_a', a.listener, 0);
      expect(missed).toEqual({ gap: true });
      await turn();
      expect(a.got).toEqual([]);
    });

    it('stops delivering to a listener that unsubscribed, even events already queued for it', async () => {
      const a = recorder();
      const { unsubscribe } = hub.subscribe('ten_a', a.listener);
      hub.publish('ten_a', 'message.created', { appId: 'app_1', messageId: 'msg_1' });
      unsubscribe();
      await turn();
      expect(a.got).toEqual([]);
      expect(hub.listeners).toBe(0);
    });
  });

  describe('subscribe with a last event id', () => {
    it('returns the events after it, filtered by app', async () => {
      const first = recorder();
      const { unsubscribe } = hub.subscribe('ten_a', first.listener);
      hub.publish('ten_a', 'message.created', { appId: 'app_1', messageId: 'msg_1' });
      hub.publish('ten_a', 'message.created', { appId: 'app_2', messageId: 'msg_2' });
      hub.publish('ten_a', 'message.created', { appId: 'app_1', messageId: 'msg_3' });
      await turn();
      unsubscribe();
      const lastSeen = first.got[0].id;
      clock.advance(60_000);
      const again = hub.subscribe('ten_a', recorder().listener, lastSeen);
      expect(again.missed).toEqual({ events: first.got.slice(1) });
      const appOnly = hub.subscribe('ten_a', recorder('app_1').listener, lastSeen);
      expect(appOnly.missed).toEqual({ events: [first.got[2]] });
      const upToDate = hub.subscribe('ten_a', recorder().listener, first.got[2].id);
      expect(upToDate.missed).toEqual({ events: [] });
    });

    it('reports a gap past the retention, past the count bound, and for an id this process never gave', async () => {
      const a = recorder();
      hub.subscribe('ten_a', a.listener);
      for (let i = 0; i < 3; i++) hub.publish('ten_a', 'attempt', { appId: 'app_1', messageId: `msg_${i}` });
      await turn();
      const [e0, e1] = a.got;
      clock.advance(600_001);
      hub.publish('ten_a', 'attempt', { appId: 'app_1', messageId: 'msg_late' });
      expect(hub.subscribe('ten_a', recorder().listener, e0.id).missed).toEqual({ gap: true });
      // e0…e2 are past the retention: resuming from any but the newest of them would skip e1 or e2.
      expect(hub.subscribe('ten_a', recorder().listener, e1.id).missed).toEqual({ gap: true });
      for (let i = 0; i < 6; i++) hub.publish('ten_a', 'attempt', { appId: 'app_1', messageId: `msg_burst_${i}` });
      await turn();
      const burst = a.got.slice(-6);
      // Five kept: the first of the burst is gone, so resuming from the one before it is a gap, from it is not.
      expect(hub.subscribe('ten_a', recorder().listener, burst[0].id).missed).toEqual({ events: burst.slice(1) });
      expect(hub.subscribe('ten_a', recorder().listener, burst[0].id - 1).missed).toEqual({ gap: true });
      expect(hub.subscribe('ten_a', recorder().listener, burst[5].id + 1).missed).toEqual({ gap: true });
    });

    it('forgets a tenant nobody has watched for the retention period, and knows what was missed since', async () => {
      const a = recorder();
      const { unsubscribe } = hub.subscribe('ten_a', a.listener);
      hub.publish('ten_a', 'attempt', { appId: 'app_1', messageId: 'msg_1' });
      await turn();
      unsubscribe();
      clock.advance(300_000);
      hub.sweep();
      // Idle for less than the retention: still kept.
      expect(hub.subscribe('ten_a', recorder().listener, a.got[0].id).missed).toEqual({ events: [] });
    });

    it('reports a gap to a listener that returns after its tenant was forgotten and events happened', async () => {
      const a = recorder();
      const { unsubscribe } = hub.subscribe('ten_a', a.listener);
      hub.publish('ten_a', 'attempt', { appId: 'app_1', messageId: 'msg_1' });
      await turn();
      unsubscribe();
      clock.advance(600_001);
      hub.sweep();
      hub.publish('ten_a', 'attempt', { appId: 'app_1', messageId: 'msg_2' }); // nobody watches: not kept
      expect(hub.subscribe('ten_a', recorder().listener, a.got[0].id).missed).toEqual({ gap: true });
    });
  });
});
