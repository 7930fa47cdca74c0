/** A fresh idempotency key: a UUID where the runtime has `crypto.randomUUID` (not in insecure browser contexts), else 128 random bits. */
export const newIdempotencyKey = (): string => {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  return Array.from(c.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
};
