import { Dispatcher, type DispatchLimits } from './dispatcher';

interface Item {
  id: string;
  tenantId: string;
  appId: string;
}

describe('Dispatcher', () => {
  const item = (appId: string, i: number, tenantId = 'ten_a'): Item => ({ id: `${appId}-${i}`, tenantId, appId });
  /** A dispatcher whose deliveries never finish (each keeps its slot), with what it started. */
  const holding = (maxInFlight: number, limits: Partial<DispatchLimits<Item>> = {}, reserve = 0) => {
    const running: Item[] = [];
    const d = new Dispatcher<Item>(
      { maxInFlight, reserve },
      { app: () => 1_000, tenant: () => maxInFlight, ...limits },
      (m) => {
        running.push(m);
        return new Promise<void>(() => undefined);
      },
      () => undefined,
    );
    const count = (pred: (m: Item) => boolean) => running.filter(pred).length;
    return { d, running, count };
  };
  /** A dispatcher whose deliveries finish when told, with what it started. */
  const finishing = (maxInFlight: number) => {
    const running: { m: Item; finish: () => void }[] = [];
    const d = new Dispatcher<Item>(
      { maxInFlight, reserve: 0 },
      { app: () => 1_000, tenant: () => maxInFlight },
      (m) => new Promise<void>((finish) => running.push({ m, finish })),
      () => undefined,
    );
    return { d, running };
  };

  describe('pump', () => {
    it('holds each app to an equal share of the global slots when together they could fill them', () => {
      const { d, count } = holding(8, { app: () => 8 });
      for (let i = 0; i < 20; i++) d.push(item('sick', i));
      for (let i = 0; i < 20; i++) d.push(item('healthy', i));
      d.pump();
      expect(count((m) => m.appId === 'sick')).toBe(4);
      expect(count((m) => m.appId === 'healthy')).toBe(4);
    });

    it('lets a lone app use its own limit, up to every global slot', () => {
      const { d, running } = holding(8, { app: () => 6 });
      for (let i = 0; i < 20; i++) d.push(item('only', i));
      d.pump();
      expect(running).toHaveLength(6);
    });

    it('shares slots per tenant first: a tenant with many apps gets no more than a tenant with one', () => {
      const { d, count } = holding(100);
      for (let a = 0; a < 50; a++) for (let i = 0; i < 10; i++) d.push(item(`x${a}`, i, 'ten_x'));
      for (let i = 0; i < 100; i++) d.push(item('y', i, 'ten_y'));
      d.pump();
      expect(count((m) => m.tenantId === 'ten_x')).toBe(50);
      expect(count((m) => m.tenantId === 'ten_y')).toBe(50);
    });

    it("holds a tenant to its plan's share even when nobody else has work", () => {
      const { d, running } = holding(100, { tenant: (m) => (m.tenantId === 'ten_x' ? 25 : 100) });
      for (let a = 0; a < 10; a++) for (let i = 0; i < 10; i++) d.push(item(`x${a}`, i, 'ten_x'));
      d.pump();
      expect(running).toHaveLength(25);
    });

    it('gives a tenant that arrives late the slots a capped tenant leaves, while the first keeps its own', () => {
      const { d, count } = holding(100, { tenant: (m) => (m.tenantId === 'ten_x' ? 25 : 100) });
      for (let a = 0; a < 10; a++) for (let i = 0; i < 10; i++) d.push(item(`x${a}`, i, 'ten_x'));
      d.pump();
      for (let i = 0; i < 100; i++) d.push(item('y', i, 'ten_y'));
      d.pump();
      expect(count((m) => m.tenantId === 'ten_x')).toBe(25);
      expect(count((m) => m.tenantId === 'ten_y')).toBe(50); // an equal share of 100 between two tenants
    });

    it('keeps the reserve free for a tenant that arrives while another holds its share', () => {
      const { d, count } = holding(100, {}, 20);
      for (let a = 0; a < 10; a++) for (let i = 0; i < 20; i++) d.push(item(`x${a}`, i, 'ten_x'));
      d.pump();
      expect(count((m) => m.tenantId === 'ten_x')).toBe(80);
      for (let i = 0; i < 100; i++) d.push(item('y', i, 'ten_y'));
      d.pump();
      expect(count((m) => m.tenantId === 'ten_y')).toBe(20); // the reserve, at once; more as the first tenant's attempts end
    });

    it('shares a tenant’s slots among its apps', () => {
      const { d, count } = holding(12, { tenant: () => 6 });
      for (const app of ['a', 'b', 'c']) for (let i = 0; i < 10; i++) d.push(item(app, i));
      d.pump();
      expect(['a', 'b', 'c'].map((app) => count((m) => m.appId === app))).toEqual([2, 2, 2]);
    });

    it('reclaims slots as attempts end, serving the tenants in turn', async () => {
      const { d, running } = finishing(2);
      for (let i = 0; i < 3; i++) d.push(item('x', i, 'ten_x'));
      for (let i = 0; i < 3; i++) d.push(item('y', i, 'ten_y'));
      d.pump();
      expect(running.map((r) => r.m.id)).toEqual(['x-0', 'y-0']);
      running[0].finish();
      await new Promise((r) => setImmediate(r));
      running[1].finish();
      await new Promise((r) => setImmediate(r));
      expect(running.map((r) => r.m.id)).toEqual(['x-0', 'y-0', 'x-1', 'y-1']);
      expect(d.inFlightFor('ten_x')).toBe(1);
    });

    it('forgets a tenant once its work is done, so the others share every slot again', async () => {
      const { d, running } = finishing(4);
      d.push(item('x', 0, 'ten_x'));
      for (let i = 0; i < 10; i++) d.push(item('y', i, 'ten_y'));
      d.pump();
      expect(running.filter((r) => r.m.tenantId === 'ten_y')).toHaveLength(2);
      running[0].finish();
      await new Promise((r) => setImmediate(r));
      expect(d.inFlightFor('ten_x')).toBe(0);
      expect(running.filter((r) => r.m.tenantId === 'ten_y')).toHaveLength(4);
    });
  });

  describe('trim', () => {
    it('takes queued messages beyond `keep` off each queue, keeping at least one', () => {
      const { d } = holding(0, { app: () => 1 });
      for (let i = 0; i < 5; i++) d.push(item('a', i));
      d.push(item('b', 0));
      expect(d.trim(2).map((m) => m.id)).toEqual(['a-2', 'a-3', 'a-4']);
      expect([d.queuedFor('a'), d.queuedFor('b'), d.load]).toEqual([2, 1, 3]);
      expect(d.trim(0)).toHaveLength(1);
    });
  });
});
