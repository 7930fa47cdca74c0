import { newIdempotencyKey } from '../idempotency.js';
import { type Page, PagePromise } from '../page.js';
import type { components } from '../schema.js';
import type { RequestOptions, Transport } from '../transport.js';
import type { Attempt, Message, MessageBatchResult, MessageCreateParams, MessageListParams, MessageRedriveParams } from '../types.js';

type MessageCreateBody = Omit<components['schemas']['MessageCreate'], 'sendAt'> & { sendAt?: string | Date };

/**
 * The idempotency key of a create travels in the `Idempotency-Key` header, the caller's or a fresh one: the server
 * treats it as the body's `idempotencyKey` (the message records it), and in a batch one header covers every item
 * without a key of its own (`<key>#<index>`), so a whole batch is made safe to retry by one key.
 */
const idempotencyHeader = (key: string | false | undefined): Record<string, string> | undefined =>
  key === false ? undefined : { 'idempotency-key': key ?? newIdempotencyKey() };

/** A batch item's wire body: its own key stays in the body (the header's `<key>#<index>` covers the others). */
const batchItem = ({ idempotencyKey, ...rest }: MessageCreateParams): MessageCreateBody =>
  typeof idempotencyKey === 'string' ? { ...rest, idempotencyKey } : rest;

/** Per-call options of `messages.batch`. */
export interface BatchOptions extends RequestOptions {
  /**
   * The batch's `Idempotency-Key`: each item without a key of its own gets `<key>#<index>`, so sending the same batch
   * again returns the original messages. Generated when absent (which makes the batch safe to retry); `false` sends
   * none (as does an item's `idempotencyKey: false`), and the call is then retried only when every item carries its own key.
   */
  idempotencyKey?: string | false;
}

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
    const { idempotencyKey, ...body } = params;
    const headers = idempotencyHeader(idempotencyKey);
    return this.#http.request(
      { method: 'POST', path: '/v1/messages', body, ...(headers ? { headers } : {}), credential: 'apiKey', retry: headers !== undefined },
      options,
    );
  }

  /**
   * Schedules up to 100 messages in one call; each item succeeds or fails alone (`items[i].status`). The batch gets
   * an `Idempotency-Key` (see `BatchOptions`), which makes it safe to retry; an item's own `idempotencyKey` is kept.
   */
  batch(items: MessageCreateParams[], options: BatchOptions = {}): Promise<MessageBatchResult> {
    const { idempotencyKey, ...requestOptions } = options;
    // An item told `false` must get no key, which the header's `<key>#<index>` would give it.
    const headers = idempotencyHeader(items.some((item) => item.idempotencyKey === false) ? false : idempotencyKey);
    const body = { items: items.map(batchItem) };
    const retry = headers !== undefined || body.items.every((item) => 'idempotencyKey' in item);
    return this.#http.request(
      { method: 'POST', path: '/v1/messages/batch', body, ...(headers ? { headers } : {}), credential: 'apiKey', retry },
      requestOptions,
    );
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
