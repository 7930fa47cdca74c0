import { Webhook, WebhookVerificationError as SignatureMismatch } from 'standardwebhooks';

/** Request headers as Node (`req.headers`), Express, Fastify or the Fetch API (`request.headers`) give them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/** An app's signing secret (`whsec_…`), or several while a rotation is under way: any one of them verifies. */
export type WebhookSecret = string | readonly string[];

/** The request body exactly as received: verifying a re-serialised body fails. */
export type RawBody = string | Uint8Array | ArrayBuffer;

/** A verified delivery. */
export interface WebhookEvent<T = unknown> {
  /** The message's payload: the JSON value, or the string itself when the payload is a JSON string (sent as `text/plain`). */
  payload: T;
  /** `webhook-id`: the message id, the same on every attempt; deduplicate on it (delivery is at-least-once). */
  id: string;
  /** `webhook-timestamp`: when this attempt was signed. */
  timestamp: Date;
  /** `punctual-attempt`, from 1. Not covered by the signature, like the two below: informative only. */
  attempt?: number;
  /** `punctual-scheduled-at`: the message's `sendAt`. */
  scheduledAt?: string;
  /** `punctual-schedule-id`, when a schedule produced the message. */
  scheduleId?: string;
}

/** A delivery that is not provably from punctual: forged, altered, signed with another secret, or stale. */
export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
}

/** How far `webhook-timestamp` may be from this clock, as Standard Webhooks libraries allow; older is a replay. */
export const toleranceSeconds = 5 * 60;

const lowerCased = (headers: WebhookHeaders): Record<string, string> => {
  const out: Record<string, string> = {};
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).forEach === 'function') {
    (headers as Headers).forEach((value, name) => {
      out[name.toLowerCase()] = value;
    });
    return out;
  }
  for (const [name, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name.toLowerCase()] = first;
  }
  return out;
};

const utf8 = new TextDecoder('utf-8');

const text = (body: RawBody): string => {
  if (typeof body === 'string') return body;
  // Realm-proof checks: a Buffer made by another realm (a test runner's sandbox, an iframe) fails `instanceof`.
  if (ArrayBuffer.isView(body)) return utf8.decode(body);
  if (Object.prototype.toString.call(body) === '[object ArrayBuffer]') return utf8.decode(new Uint8Array(body));
  throw new TypeError('the raw body must be a string, Uint8Array/Buffer or ArrayBuffer (the bytes as received, not a parsed object)');
};

/**
 * punctual sends a JSON-string payload raw as `text/plain`, anything else as `application/json`. Without a
 * content type the body is read as JSON when it parses, else as the string (ambiguous for a string payload such
 * as `"42"`: pass the `content-type` header to be exact).
 */
const decode = (body: string, contentType: string | undefined): unknown => {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === '') {
    try {
      return JSON.parse(body);
    } catch {
      return body;
    }
  }
  if (type !== 'application/json' && !type.endsWith('+json')) return body;
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new WebhookVerificationError(`the signed body is not the JSON its content-type (${type}) announces`, { cause: err });
  }
};

/**
 * Verifies deliveries against one app's secret(s); build it once and call `verify` per request (the adapters do).
 * Checks the three Standard Webhooks headers, the timestamp's freshness and the HMAC signature; during a secret
 * rotation `webhook-signature` carries two signatures and either secret verifies.
 */
export class WebhookVerifier {
  readonly #secrets: Webhook[];

  constructor(secret: WebhookSecret) {
    const secrets = typeof secret === 'string' ? [secret] : [...secret];
    if (secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || s === ''))
      throw new TypeError('a webhook signing secret (whsec_…) is needed');
    this.#secrets = secrets.map((s) => new Webhook(s));
  }

  /** The verified delivery, or a `WebhookVerificationError` saying why it is refused. */
  verify<T = unknown>(rawBody: RawBody, headers: WebhookHeaders): WebhookEvent<T> {
    const h = lowerCased(headers);
    const id = h['webhook-id'];
    const stamp = h['webhook-timestamp'];
    if (!id || !stamp || !h['webhook-signature'])
      throw new WebhookVerificationError('missing webhook-id, webhook-timestamp or webhook-signature header');
    if (!/^\d+$/.test(stamp)) throw new WebhookVerificationError('webhook-timestamp is not a unix time in seconds');
    const seconds = Number(stamp);
    if (Math.abs(Date.now() / 1000 - seconds) > toleranceSeconds)
      throw new WebhookVerificationError(
        `webhook-timestamp is more than ${toleranceSeconds} s from this clock (a replay, or a skewed clock)`,
      );
    const body = text(rawBody);
    if (!this.#secrets.some((secret) => this.#matches(secret, body, h)))
      throw new WebhookVerificationError(
        this.#secrets.length === 1
          ? 'no webhook-signature matches the secret'
          : `no webhook-signature matches any of the ${this.#secrets.length} secrets`,
      );
    const attempt = Number(h['punctual-attempt']);
    return {
      payload: decode(body, h['content-type']) as T,
      id,
      timestamp: new Date(seconds * 1000),
      ...(Number.isInteger(attempt) && attempt > 0 ? { attempt } : {}),
      ...(h['punctual-scheduled-at'] ? { scheduledAt: h['punctual-scheduled-at'] } : {}),
      ...(h['punctual-schedule-id'] ? { scheduleId: h['punctual-schedule-id'] } : {}),
    };
  }

  #matches(secret: Webhook, body: string, headers: Record<string, string>): boolean {
    try {
      secret.verify(body, headers, { jsonParse: false });
      return true;
    } catch (err) {
      if (err instanceof SignatureMismatch) return false;
      throw err;
    }
  }
}

/**
 * Verifies one delivery and returns its payload: the parsed JSON, or the string itself for a JSON-string payload
 * (delivered raw as `text/plain`). Throws `WebhookVerificationError` when forged, altered or stale. Pass the body
 * exactly as received and the request's headers; give an array of secrets while a rotation is under way.
 *
 * ```ts
 * const payload = verifyWebhook(rawBody, req.headers, process.env.PUNCTUAL_SIGNING_SECRET!);
 * ```
 */
export const verifyWebhook = <T = unknown>(rawBody: RawBody, headers: WebhookHeaders, secret: WebhookSecret): T =>
  new WebhookVerifier(secret).verify<T>(rawBody, headers).payload;
