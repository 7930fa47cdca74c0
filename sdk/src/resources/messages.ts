import { newIdempotencyKey } from '../idempotency.js';
import { type Page, PagePromise } from '../page.js';
import type { components } from '../schema.js';
import type { RequestOptions, Transport } from '../transport.js';
import type { Attempt, Message, MessageBatchResult, MessageCreateParams, MessageListParams, MessageRedriveParams } from '../types.js';

type MessageCreateBody = Omit<components['schemas']['MessageCreate'], 'sendAt'> & { sendAt?: string | Date };

/** The wire body of a create: the caller's key, a fresh one, or none when the caller said `false`. */
const withIdempotencyKey = ({ idempotencyKey, ...rest }: MessageCreateParams): MessageCreateBody => {
  if (idempotencyKey === false) return rest;
  return { ...rest, idempotencyKey: idempotencyKey ?? newIdempotencyKey() };
};

const path = (messageId: string, action = ''): string => `/v1/messages/${encodeURIComponent(messageId)}${action}`;

/** Point-in-time deliveries: `p.messages`. */
export class Messages {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /**
   * Schedules a message (201), or returns the original when its idempotency key was used for the app within 24 h.
   * A key is generated unless given, so the create is retried safely; `idempotencyKey: false` sends none and never retries.
   */
  create(params: MessageCreateParams, options?: RequestOptions): Promise<Message> {
    const body = withIdempotencyKey(params);
    return this.#http.request(
      { method: 'POST', path: '/v1/messages', body, credential: 'apiKey', retry: 'idempotencyKey' in body },
      options,
    );
  }

  /**
   * Schedules up to 100 messages in one call; each item succeeds or fails alone (`items[i].status`). Items get
   * idempotency keys as in `create`; the call is retried only when every item carries one.
   */
  batch(items: MessageCreateParams[], options?: RequestOptions): Promise<MessageBatchResult> {
    const body = { items: items.map(withIdempotencyKey) };
    const retry = body.items.every((item) => 'idempotencyKey' in item);
    return this.#http.request({ method: 'POST', path: '/v1/messages/batch', body, credential: 'apiKey', retry }, options);
  }

  /** One message, with its status and attempt count. */
  get(messageId: string, options?: RequestOptions): Promise<Message> {
    return this.#http.request({ method: 'GET', path: path(messageId), credential: 'apiKey', retry: true }, options);
  }

  /** Messages newest first, filtered by `status`, `appId`, `scheduleId`; awaitable as a page, iterable over all. */
  list(params: MessageListParams = {}, options?: RequestOptions): PagePromise<Message> {
    return new PagePromise(
      (cursor) =>
        this.#http.request<Page<Message>>(
          { method: 'GET', path: '/v1/messages', query: { ...params, cursor }, credential: 'apiKey', retry: true },
          options,
        ),
      params.cursor,
    );
  }

  /** Moves a `scheduled` message to `aborted` (409 `conflict` otherwise); it is then never delivered. */
  abort(messageId: string, options?: RequestOptions): Promise<Message> {
    return this.#http.request({ method: 'POST', path: path(messageId, '/abort'), credential: 'apiKey', retry: false }, options);
  }

  /** Moves a `failed` or `aborted` message back to `scheduled`, now or at `sendAt`, with a fresh retry budget. */
  redrive(messageId: string, params?: MessageRedriveParams, options?: RequestOptions): Promise<Message> {
    return this.#http.request(
      { method: 'POST', path: path(messageId, '/redrive'), body: params, credential: 'apiKey', retry: false },
      options,
    );
  }

  /** The message's delivery attempts, first first (one page: the API does not page attempts). */
  attempts(messageId: string, options?: RequestOptions): PagePromise<Attempt> {
    return new PagePromise(() =>
      this.#http.request<Page<Attempt>>({ method: 'GET', path: path(messageId, '/attempts'), credential: 'apiKey', retry: true }, options),
    );
  }
}
