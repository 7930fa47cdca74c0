import type { Message } from '../messages/model';
import type { MessageStore } from '../messages/port';
import { createLogger } from '../observability/logger';
import { skipIfVetoed, type SkipDeps } from './skip';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const claimed = { id: 'msg_1', tenantId: 'ten_1', appId: 'app_1', status: 'delivering', scheduleId: 'sch_1' } as Message;

/** A message store that records transitions (or refuses them while `failing`). */
const recordingStore = (failing = false) => {
  const transitions: unknown[][] = [];
  const messages = {
    transition: async (...args: unknown[]) => {
      if (failing) throw new Error('conflict');
      transitions.push(args);
      return claimed;
    },
  } as unknown as Pick<MessageStore, 'transition'>;
  return { messages, transitions };
};

describe('skipIfVetoed', () => {
  const logger = createLogger('silent');

  it('delivers (returns false) without a vet or when the vet has no reason', async () => {
    const s = recordingStore();
    expect(await skipIfVetoed({ messages: s.messages, logger }, claimed, T0)).toBe(false);
    expect(await skipIfVetoed({ messages: s.messages, logger, vet: async () => undefined }, claimed, T0)).toBe(false);
    expect(s.transitions).toEqual([]);
  });

  it("skips a vetoed message: aborted from `delivering` with the vet's reason", async () => {
    const s = recordingStore();
    const deps: SkipDeps = { messages: s.messages, logger, vet: async () => 'missed its misfire grace' };

    expect(await skipIfVetoed(deps, claimed, T0)).toBe(true);

    expect(s.transitions).toEqual([
      ['ten_1', 'msg_1', ['delivering'], { status: 'aborted', abortedAt: T0, lastError: 'missed its misfire grace' }, T0, 'skip'],
    ]);
  });

  it('throws when the abort fails', async () => {
    const s = recordingStore(true);
    await expect(skipIfVetoed({ messages: s.messages, logger, vet: async () => 'no' }, claimed, T0)).rejects.toThrow('conflict');
  });

  it('throws a failing vet, unless told where to report it: then the message is delivered', async () => {
    const s = recordingStore();
    const vet = async () => {
      throw new Error('schedules unreadable');
    };
    await expect(skipIfVetoed({ messages: s.messages, logger, vet }, claimed, T0)).rejects.toThrow('schedules unreadable');

    const reported: unknown[] = [];
    const deps: SkipDeps = { messages: s.messages, logger, vet, onVetError: (err, m) => reported.push([(err as Error).message, m.id]) };
    expect(await skipIfVetoed(deps, claimed, T0)).toBe(false);
    expect(reported).toEqual([['schedules unreadable', 'msg_1']]);
    expect(s.transitions).toEqual([]);
  });

  it("holds a suspended tenant's message: back to `scheduled` without a dueAt, unattempted, and the vet is not asked", async () => {
    const s = recordingStore();
    const vetted: string[] = [];
    const deps: SkipDeps = {
      messages: s.messages,
      logger,
      hold: async (m) => m.tenantId === 'ten_1',
      vet: async (m) => {
        vetted.push(m.id);
        return 'missed its misfire grace';
      },
    };

    expect(await skipIfVetoed(deps, claimed, T0)).toBe(true);

    expect(s.transitions).toEqual([['ten_1', 'msg_1', ['delivering'], { status: 'scheduled', dueAt: undefined }, T0, 'hold']]);
    expect(vetted).toEqual([]);
  });

  it('delivers a message whose tenant is not held, and reports a failing hold like a failing vet', async () => {
    const s = recordingStore();
    expect(await skipIfVetoed({ messages: s.messages, logger, hold: async () => false }, claimed, T0)).toBe(false);
    const hold = async () => {
      throw new Error('tenants unreadable');
    };
    const reported: string[] = [];
    expect(
      await skipIfVetoed({ messages: s.messages, logger, hold, onVetError: (err) => reported.push((err as Error).message) }, claimed, T0),
    ).toBe(false);
    expect(reported).toEqual(['tenants unreadable']);
    expect(s.transitions).toEqual([]);
  });
});
