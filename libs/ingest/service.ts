import { RateLimitedError, ValidationError } from '../domain/errors';
import { parseInput } from '../domain/validate';
import { parseJsonBody } from '../http/json-body';
import { describeError } from '../http/errors';
import type { Services } from '../http/services';
import { elementMemberTexts, memberText } from '../http/json-text';
import { InvalidKeyError } from '../keys/errors';
import type { Principal } from '../keys/model';
import { idempotencyKeyOf, messageBatchSchema, messageCreateSchema } from '../messages/schemas';
import { scheduleCreateSchema } from '../schedules/schemas';

/** What a published message asks for, in its `route` attribute: the HTTP operation whose request body it carries. */
export const IngestRoute = {
  /** `POST /v1/messages` */
  messages: 'messages',
  /** `POST /v1/messages/batch` */
  messagesBatch: 'messages.batch',
  /** `POST /v1/schedules` */
  schedules: 'schedules',
} as const;
export type IngestRoute = (typeof IngestRoute)[keyof typeof IngestRoute];

/** The message attributes ingestion reads. */
export const IngestAttribute = {
  apiKey: 'x-api-key',
  route: 'route',
  /** Optional, as the `Idempotency-Key` header over HTTP. */
  idempotencyKey: 'idempotency-key',
  /** Set on a refused message in the dead-letter queue: the error code an HTTP caller would have got. */
  error: 'error',
  /** Set beside `error`: its message. */
  errorMessage: 'error-message',
} as const;

/** One published message: its body and attributes. */
export interface IngestInput {
  body: string;
  attributes: Partial<Record<string, string>>;
}

/** What an ingested message created: the HTTP status it would have had, with the ids; batch items refused, by index. */
export interface IngestResult {
  route: IngestRoute;
  status: number;
  ids: string[];
  /** Items of a batch that were refused (the others were created): their index and error code. */
  refused: { index: number; error: string; message: string }[];
}

/** How a failed ingestion is handled: refused (to the dead-letter queue with its code) or retried later (by the queue). */
export type IngestFailure = { kind: 'refused'; error: string; message: string } | { kind: 'retry'; error: string; message: string };

/**
 * A failure's handling: what an HTTP caller would get as a 4xx is refused for good, except a throttle (429
 * `rate_limited`), which passes with time; a 5xx (a store or network failure) is retried.
 */
export const ingestFailure = (err: unknown): IngestFailure => {
  const { statusCode, body } = describeError(err);
  const transient = statusCode >= 500 || err instanceof RateLimitedError;
  return { kind: transient ? 'retry' : 'refused', error: body.error, message: body.message };
};

/** What ingestion needs of its runtime. */
export interface IngestDeps {
  services: Services;
  /**
   * Counts the request for the key's plan as the runtime's gateway does (throttle, quota, usage `requests`); throws
   * RateLimitedError / QuotaExceededError. @default none
   */
  admit?: (principal: Principal) => Promise<void>;
}

const routes = new Set<string>(Object.values(IngestRoute));

/**
 * Creates what a published message asks for exactly as the HTTP API would: the key in the `x-api-key` attribute (a data
 * or control key), the plan's admission, the same body checks and schemas, then the same service calls as the
 * `createMessage`, `createMessageBatch` and `createSchedule` handlers (quotas, pending limits, metering and idempotency
 * are the services'). Throws the error the HTTP call would have answered with; `ingestFailure` says what to do with it.
 */
export class IngestService {
  constructor(private readonly deps: IngestDeps) {}

  async ingest(input: IngestInput): Promise<IngestResult> {
    const { services } = this.deps;
    const apiKey = input.attributes[IngestAttribute.apiKey];
    const principal = apiKey ? await services.keys.principalOfValue(apiKey) : undefined;
    if (!principal) throw new InvalidKeyError();
    const route = input.attributes[IngestAttribute.route] ?? IngestRoute.messages;
    if (!routes.has(route)) {
      throw new ValidationError(`unknown route ${JSON.stringify(route.slice(0, 50))}: use one of ${[...routes].join(', ')}`, [
        { path: `(attribute ${IngestAttribute.route})`, issue: 'unknown route' },
      ]);
    }
    await this.deps.admit?.(principal);
    const bodyText = input.body;
    const raw = parseJsonBody(bodyText);
    const header = input.attributes[IngestAttribute.idempotencyKey];
    if (route === IngestRoute.messages) {
      const body = parseInput(messageCreateSchema, raw);
      const idempotencyKey = idempotencyKeyOf(header, body.idempotencyKey);
      const created = await services.messages.create(principal, {
        ...body,
        payloadText: memberText(bodyText, 'payload'),
        ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
      });
      return { route, status: created.created ? 201 : 200, ids: [created.message.id], refused: [] };
    }
    if (route === IngestRoute.messagesBatch) {
      const body = parseInput(messageBatchSchema, raw);
      const results = await services.messages.createBatch(principal, body.items, {
        payloadTexts: elementMemberTexts(bodyText, 'items', 'payload'),
        idempotencyKey: idempotencyKeyOf(header, undefined),
      });
      const out: IngestResult = { route, status: 200, ids: [], refused: [] };
      for (const r of results) {
        if ('error' in r) {
          const { body: error } = describeError(r.error);
          out.refused.push({ index: r.index, error: error.error, message: error.message });
        } else out.ids.push(r.result.message.id);
      }
      return out;
    }
    const body = parseInput(scheduleCreateSchema, raw);
    const schedule = await services.schedules.create(principal, { ...body, payloadText: memberText(bodyText, 'payload') });
    return { route: IngestRoute.schedules, status: 201, ids: [schedule.id], refused: [] };
  }
}
