import { EventEmitter } from 'node:events';
import { ManualClock } from '../domain/clock';
import { EventHub } from '../events/hub';
import type { ApiKey } from '../keys/model';
import { EventStreams } from './events';
import type { Exchange } from './exchange';
import { aKey } from '../../test/support/fixtures';

/** A response that keeps what is written and lets a test say how much is still waiting in its buffer. */
class FakeResponse extends EventEmitter {
  written = '';
  writableLength = 0;
  destroyed = false;
  writableEnded = false;
  status = 0;
  writeHead(status: number) {
    this.status = status;
  }
  write(text: string) {
    this.written += text;
    return true;
  }
  end() {
    this.writableEnded = true;
    this.emit('close');
  }
  destroy() {
    this.destroyed = true;
    this.emit('close');
  }
}

const exchange = (headers: Record<string, string> = {}) => {
  const res = new FakeResponse();
  const x = { req: { headers, socket: { setNoDelay: () => undefined } }, res, requestId: 'r', url: undefined, status: 0 };
  return { x: x as unknown as Exchange, res };
};
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('EventStreams', () => {
  let hub: EventHub;
  let streams: EventStreams;
  const key: ApiKey = aKey({ tenantId: 'ten_a' });
  beforeEach(() => {
    hub = new EventHub(new ManualClock());
    streams = new EventStreams(hub, { maxBufferedBytes: 1_000, heartbeatMs: 60_000 });
  });
  afterEach(() => {
    streams.close();
    hub.close();
  });

  it('writes each event as an SSE frame', async () => {
    const { x, res } = exchange();
    streams.open(x, key, undefined);
    hub.publish('ten_a', 'message.created', { appId: 'app_1', messageId: 'msg_1', status: 'scheduled' });
    await turn();
    expect(res.status).toBe(200);
    const [hello, frame, rest] = res.written.split('\n\n');
    expect(hello).toBe('retry: 3000\n: connected');
    expect(frame).toMatch(/^id: \d+\nevent: message\.created\ndata: \{"appId":"app_1","messageId":"msg_1","status":"scheduled"\}$/);
    expect(rest).toBe('');
  });

  it('drops a client whose unsent bytes pass the bound, and stops sending to it', async () => {
    const slow = exchange();
    const fast = exchange();
    streams.open(slow.x, key, undefined);
    streams.open(fast.x, key, undefined);
    slow.res.writableLength = 1_001; // the client stopped reading
    hub.publish('ten_a', 'attempt', { appId: 'app_1', messageId: 'msg_1' });
    await turn();
    expect(slow.res.destroyed).toBe(true);
    expect(streams.size).toBe(1);
    expect(hub.listeners).toBe(1);
    expect(fast.res.written).toContain('event: attempt');
    const before = slow.res.written;
    hub.publish('ten_a', 'attempt', { appId: 'app_1', messageId: 'msg_2' });
    await turn();
    expect(slow.res.written).toBe(before);
  });

  it('ends the streams of a revoked key only', () => {
    const other = aKey({ tenantId: 'ten_a' });
    const mine = exchange();
    const theirs = exchange();
    streams.open(mine.x, key, undefined);
    streams.open(theirs.x, other, undefined);
    streams.endKey(key.id);
    expect(mine.res.writableEnded).toBe(true);
    expect(theirs.res.writableEnded).toBe(false);
    expect(streams.size).toBe(1);
  });
});
