import { randomFillSync } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** Type prefixes of every id the API hands out. */
export const IdPrefix = {
  tenant: 'ten',
  app: 'app',
  key: 'key',
  message: 'msg',
  schedule: 'sch',
} as const;
export type IdPrefix = (typeof IdPrefix)[keyof typeof IdPrefix];

/** KSUID epoch (2014-05-13T16:53:20Z) and its limits, as in the `ksuid` package. */
const epochMs = 14e11;
const maxTimeMs = 1e3 * (2 ** 32 - 1) + epochMs;
const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random bytes drawn from the CSPRNG in blocks (one syscall per 256 ids rather than one per id). */
const poolBytes = 16 * 256;
const pool = Buffer.allocUnsafe(poolBytes);
let poolOffset = poolBytes;

/** 16 fresh random bytes of the pool, as four big-endian 32-bit words. */
const randomWords = (words: Uint32Array): void => {
  if (poolOffset + 16 > poolBytes) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  words[1] = pool.readUInt32BE(poolOffset);
  words[2] = pool.readUInt32BE(poolOffset + 4);
  words[3] = pool.readUInt32BE(poolOffset + 8);
  words[4] = pool.readUInt32BE(poolOffset + 12);
  poolOffset += 16;
};

const scratch = new Uint32Array(5);
const digits = new Array<string>(27);

/**
 * The 27-character base62 string of a 20-byte KSUID given as five big-endian 32-bit words
 * (timestamp, then 16 payload bytes): the same encoding as `ksuid` (most significant digit first,
 * left-padded with `0`). Consumes `words`.
 */
export const encodeKsuidWords = (words: Uint32Array): string => {
  for (let d = 26; d >= 0; d--) {
    // Long division of the 160-bit number by 62, one 32-bit word at a time (each step stays below 2^38).
    let rem = 0;
    for (let i = 0; i < 5; i++) {
      const acc = rem * 4294967296 + words[i];
      const q = Math.floor(acc / 62);
      words[i] = q;
      rem = acc - q * 62;
    }
    digits[d] = alphabet[rem];
  }
  return digits.join('');
};

/** The KSUID string of `timeMs` and 16 payload bytes (exported for tests). */
export const ksuidString = (timeMs: number, payload: Uint8Array): string => {
  const words = new Uint32Array(5);
  words[0] = Math.floor((timeMs - epochMs) / 1e3);
  const view = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  for (let i = 0; i < 4; i++) words[i + 1] = view.readUInt32BE(i * 4);
  return encodeKsuidWords(words);
};

/** Where a tenant's ids stand: the payload of its last id (words 1–4) and that id's KSUID second. */
interface Sequence {
  second: number;
  words: Uint32Array;
}

/** @default tenants whose id sequence is remembered; a forgotten one starts its next id from fresh random bits */
const maxSequences = 10_000;
const sequences = new LRUCache<string, Sequence>({ max: maxSequences });

/**
 * Moves `words` forward by a random step of 1 to 2^32 (4 bytes of randomness per id); false if that would overflow
 * 128 bits (never in practice).
 */
const step = (words: Uint32Array): boolean => {
  if (poolOffset + 4 > poolBytes) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let carry = pool.readUInt32BE(poolOffset) + 1;
  poolOffset += 4;
  for (let i = 4; i >= 1 && carry; i--) {
    const sum = words[i] + carry;
    words[i] = sum; // mod 2^32
    carry = sum >= 4294967296 ? 1 : 0;
  }
  return carry === 0;
};

/** Options of `newId`. */
export interface NewIdOptions {
  /** The id's time. @default now */
  at?: Date;
  /** The tenant the id belongs to: its ids of one second increase (see `newId`). Without one, each id is random. */
  tenantId?: string;
}

/**
 * A new, time-sortable id such as `msg_2J1n0ZRWJ7yO9yNzrDEI0mWxkXx` (a KSUID after the prefix). Within one second of
 * KSUID time, one tenant's ids increase (its previous payload plus a random step, as monotonic ULIDs do): the stores'
 * indexes on ids then append rather than insert at random places, which makes a commit write several times fewer
 * pages. The sequence is the tenant's own, so the gap between two of its ids counts its own creations only and tells
 * nothing of other tenants' activity; ids without a tenant (tenants' own) take 127 fresh random bits each. A new second
 * starts from 127 random bits, so ids of different processes still do not collide.
 */
export const newId = (prefix: IdPrefix, options?: Date | NewIdOptions): string => {
  const { at, tenantId } = options instanceof Date ? { at: options, tenantId: undefined } : (options ?? {});
  const ms = at ? at.getTime() : Date.now();
  if (!Number.isInteger(ms) || ms < epochMs || ms > maxTimeMs) throw new TypeError(`id time out of KSUID range: ${String(ms)}`);
  const second = Math.floor((ms - epochMs) / 1e3);
  const words = scratch;
  const sequence = tenantId === undefined ? undefined : sequences.get(tenantId);
  if (sequence && sequence.second === second && step(sequence.words)) words.set(sequence.words);
  else {
    randomWords(words);
    words[1] &= 0x7fffffff; // headroom: a second's steps never overflow
    if (tenantId !== undefined) {
      if (sequence) {
        sequence.second = second;
        sequence.words.set(words);
      } else sequences.set(tenantId, { second, words: Uint32Array.from(words) });
    }
  }
  words[0] = second;
  return `${prefix}_${encodeKsuidWords(words)}`;
};

const idPattern = /^[a-z]{3}_[0-9A-Za-z]{27}$/;

/** Whether `value` looks like an id of the given type (cheap syntactic check, no lookup). */
export const isId = (prefix: IdPrefix, value: string): boolean => value.startsWith(`${prefix}_`) && idPattern.test(value);
