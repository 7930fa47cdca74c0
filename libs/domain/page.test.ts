import { capPageBytes, decodeCursor, encodeCursor, maxPageBytes, responseBytesOf } from './page';

const id = (n: number) => `msg_${String(n).padStart(27, '0')}`;
const page = (sizes: number[], nextCursor?: string) => ({
  items: sizes.map((size, n) => ({ id: id(n), size })),
  ...(nextCursor ? { nextCursor } : {}),
});
const sizeOf = (item: { size: number }) => item.size;

describe('capPageBytes', () => {
  it('returns a page that fits unchanged, its cursor included', () => {
    const p = page([10, 20, 30], 'more');
    expect(capPageBytes(p, sizeOf, 60)).toBe(p);
  });

  it('ends the page after the items that fit, with a cursor after the last one kept', () => {
    const capped = capPageBytes(page([40, 40, 40, 40]), sizeOf, 100);
    expect(capped.items.map((i) => i.id)).toEqual([id(0), id(1)]);
    expect(decodeCursor(capped.nextCursor!)).toBe(id(1));
    expect(capped.nextCursor).toBe(encodeCursor(id(1)));
  });

  it('keeps at least one item, however big, so paging always moves on', () => {
    const capped = capPageBytes(page([500, 1]), sizeOf, 100);
    expect(capped.items.map((i) => i.id)).toEqual([id(0)]);
    expect(decodeCursor(capped.nextCursor!)).toBe(id(0));
  });

  it('holds 100 payloads of 256 KiB to pages under Lambda’s 6 MB response limit', () => {
    const payload = JSON.stringify({ blob: 'x'.repeat(256 * 1024 - 20) });
    const items = Array.from({ length: 100 }, (_, n) => ({ id: id(n), payload }));
    const capped = capPageBytes({ items }, (m) => responseBytesOf(m.payload));
    expect(capped.items.length).toBeGreaterThan(1);
    expect(capped.items.length).toBeLessThan(100);
    expect(capped.items.reduce((n, m) => n + responseBytesOf(m.payload), 0)).toBeLessThanOrEqual(maxPageBytes);
    expect(maxPageBytes).toBeLessThan(6 * 1024 * 1024);
  });
});

describe('responseBytesOf', () => {
  it('counts a payload twice (escaped again inside the proxy response) plus the other fields', () => {
    const payload = '"\\"\\""';
    // What the payload becomes inside API Gateway's proxy response: a JSON string inside a JSON string.
    expect(JSON.stringify(JSON.stringify({ payload: JSON.parse(payload) })).length).toBeLessThanOrEqual(responseBytesOf(payload));
    expect(responseBytesOf('x'.repeat(1000))).toBe(3024);
  });
});
