import { AbuseGuard, clientOf } from './abuse';

describe('AbuseGuard', () => {
  const setup = (options = {}) => {
    let now = 1_000_000;
    const guard = new AbuseGuard({ maxFailures: 3, windowMs: 10_000, blockMs: 60_000, maxTracked: 100, ...options }, () => now);
    return { guard, advance: (ms: number) => (now += ms) };
  };

  describe('fail', () => {
    it('blocks a client once it reaches maxFailures within the window', () => {
      const { guard } = setup();
      expect([guard.fail('a'), guard.fail('a')]).toEqual([false, false]);
      expect(guard.retryAfterSeconds('a')).toBe(0);
      expect(guard.fail('a')).toBe(true);
      expect(guard.retryAfterSeconds('a')).toBe(60);
      expect(guard.retryAfterSeconds('b')).toBe(0);
    });

    it('forgets failures older than the window', () => {
      const { guard, advance } = setup();
      guard.fail('a');
      guard.fail('a');
      advance(10_001);
      guard.fail('a');
      guard.fail('a');
      expect(guard.retryAfterSeconds('a')).toBe(0);
    });

    it('lifts the block after blockMs', () => {
      const { guard, advance } = setup();
      for (let i = 0; i < 3; i++) guard.fail('a');
      advance(59_500);
      expect(guard.retryAfterSeconds('a')).toBe(1);
      advance(500);
      expect(guard.retryAfterSeconds('a')).toBe(0);
    });

    it('tracks at most maxTracked clients, forgetting the least recently seen', () => {
      const { guard } = setup({ maxTracked: 10 });
      for (let i = 0; i < 3; i++) guard.fail('first');
      for (let i = 0; i < 50; i++) guard.fail(`spoofed-${i}`);
      expect(guard.size).toBe(10);
      expect(guard.retryAfterSeconds('first')).toBe(0);
    });
  });
});

describe('clientOf', () => {
  it('counts IPv4 (also IPv4-mapped) by address and IPv6 by /64', () => {
    expect(clientOf('127.0.0.1')).toBe('127.0.0.1');
    expect(clientOf('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(clientOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientOf('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientOf('::1')).toBe('0:0:0:0::/64');
    expect(clientOf(undefined)).toBe('unknown');
  });
});
