/**
 * Hand-written stand-ins, kept only where moto_server lacks the behaviour a test needs (tests only: production
 * code never imports this). Everything else of the AWS tier runs on moto (test/support/aws-driver.ts):
 * - `GetUsage` (`getUsageStandIn`): moto has no API Gateway usage metering; the stand-in answers it from the
 *   requests the AWS driver let through, for the keys moto has in the usage plan.
 * - The simulated-clock world of libs/runtime/aws-engine.int.test.ts (the classes below): scenarios that need
 *   minutes or hours to pass in an instant (visibility-timeout takeovers after 9 minutes, retry budgets over
 *   half an hour, a minute bucket's wake-up up to 60 s late, duplicate SQS deliveries on demand) and that count
 *   every call for the README's cost table. moto's SQS and Scheduler follow real time, and moto cannot be told
 *   to deliver a message twice. They keep the documented semantics of:
 * - SQS: `DelaySeconds` 0..900 (else InvalidParameterValue), at most 10 entries per batch, a received
 *   message is invisible for the visibility timeout and comes back unless deleted, at-least-once (it can
 *   be told to deliver every n-th message twice), a redrive to the DLQ after `maxReceiveCount` receives;
 *   the Lambda event source polls it and deletes what the handler did not report as a batch item failure.
 * - EventBridge Scheduler: unique names per group (ConflictException), `at()` in UTC fired once at a
 *   moment within its minute up to 60 s late, the target invoked with its `Input`, retried on failure,
 *   deleted after completion (`ActionAfterCompletion: DELETE`).
 * - API Gateway: a private route needs an enabled API key attached to a usage plan (else API Gateway's
 *   refusal, as the stack's gateway responses shape it), and the handler sees the key's API Gateway id in
 *   `requestContext.identity.apiKeyId`.
 * Everything runs on the simulated clock; every call is counted (the README's cost table).
 */
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  type GetUsageCommandInput,
  type GetUsageCommandOutput,
  GetUsagePlansCommand,
  paginateGetUsagePlanKeys,
} from '@aws-sdk/client-api-gateway';
import { ConflictException, CreateScheduleCommand, type CreateScheduleCommandInput, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { gatewayResponse } from '../../infra/gateway-responses';
import type { ManualClock } from '../../libs/domain/clock';
import { apiGatewayEvent, loadHandlers } from '../../libs/gateway/handlers';
import { createRouter } from '../../libs/gateway/router';
import type { ApiContext } from '../../libs/http/api';
import { routes } from '../../libs/http/routes';

/** Calls per service and operation, e.g. `sqs.SendMessageBatch`, `lambda.deliver`. */
export class OpCounter {
  readonly counts = new Map<string, number>();
  add(name: string, n = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }
  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }
  /** Sum over names starting with `prefix`. */
  total(prefix: string): number {
    let n = 0;
    for (const [k, v] of this.counts) if (k.startsWith(prefix)) n += v;
    return n;
  }
  reset(): void {
    this.counts.clear();
  }
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort());
  }
}

class AwsLikeError extends Error {
  constructor(
    readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

interface QueuedMessage {
  messageId: string;
  body: string;
  visibleAt: number;
  receiveCount: number;
  receipt?: string;
}

/** The delivery queue and its DLQ. */
export class SqsStandIn {
  readonly messages: QueuedMessage[] = [];
  readonly deadLetters: QueuedMessage[] = [];
  /** Every body the queue accepted, in order (a test counts how often a message was queued). */
  readonly accepted: string[] = [];
  private ids = 0;
  private sent = 0;
  private outages = 0;

  constructor(
    private readonly clock: ManualClock,
    private readonly ops: OpCounter,
    readonly o: { visibilityTimeoutMs: number; maxReceiveCount: number; duplicateEvery?: number },
  ) {}

  /** The client the runtime is given: only the commands the engine uses exist. */
  get client(): SQSClient {
    return { send: (cmd: unknown) => this.send(cmd) } as unknown as SQSClient;
  }

  /** The next `n` sends fail as SQS does when it is unavailable (HTTP 503), taking nothing. */
  refuseNext(n: number): void {
    this.outages = n;
  }

  private async send(cmd: unknown): Promise<unknown> {
    if (this.outages > 0) {
      this.outages--;
      throw new AwsLikeError('ServiceUnavailable', 'the SQS stand-in is unavailable for this request');
    }
    if (cmd instanceof SendMessageBatchCommand) {
      this.ops.add('sqs.SendMessageBatch');
      const entries = cmd.input.Entries ?? [];
      if (entries.length === 0 || entries.length > 10) throw new AwsLikeError('TooManyEntriesInBatchRequest', `${entries.length} entries`);
      for (const e of entries) this.checkDelay(e.DelaySeconds);
      for (const e of entries) this.put(e.MessageBody!, e.DelaySeconds ?? 0);
      return { Successful: entries.map((e) => ({ Id: e.Id, MessageId: 'x', MD5OfMessageBody: 'x' })), Failed: [] };
    }
    if (cmd instanceof SendMessageCommand) {
      this.ops.add('sqs.SendMessage');
      this.checkDelay(cmd.input.DelaySeconds);
      this.put(cmd.input.MessageBody!, cmd.input.DelaySeconds ?? 0);
      return { MessageId: 'x' };
    }
    throw new Error(`the SQS stand-in does not implement ${(cmd as object).constructor.name}`);
  }

  private checkDelay(delay: number | undefined): void {
    if (delay !== undefined && (!Number.isInteger(delay) || delay < 0 || delay > 900)) {
      throw new AwsLikeError('InvalidParameterValue', `DelaySeconds must be 0..900, got ${delay}`);
    }
  }

  private put(body: string, delaySeconds: number): void {
    this.accepted.push(body);
    const copies = this.o.duplicateEvery && ++this.sent % this.o.duplicateEvery === 0 ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.messages.push({ messageId: `sqs-${++this.ids}`, body, visibleAt: this.clock.now() + delaySeconds * 1000, receiveCount: 0 });
    }
  }

  /** The earliest moment a message becomes visible, or Infinity. */
  nextVisibleAt(): number {
    let t = Infinity;
    for (const m of this.messages) t = Math.min(t, m.visibleAt);
    return t;
  }

  /** ReceiveMessage: up to `max` visible messages, each hidden for the visibility timeout; over-received ones go to the DLQ. */
  receive(max: number): QueuedMessage[] {
    const now = this.clock.now();
    const out: QueuedMessage[] = [];
    for (const m of [...this.messages]) {
      if (out.length >= max) break;
      if (m.visibleAt > now) continue;
      if (m.receiveCount >= this.o.maxReceiveCount) {
        this.messages.splice(this.messages.indexOf(m), 1);
        this.deadLetters.push(m);
        continue;
      }
      m.receiveCount++;
      m.receipt = `${m.messageId}#${m.receiveCount}`;
      m.visibleAt = now + this.o.visibilityTimeoutMs;
      out.push(m);
    }
    this.ops.add(out.length ? 'sqs.ReceiveMessage' : 'sqs.ReceiveMessage.empty');
    return out;
  }

  /** DeleteMessageBatch of receipts (a stale receipt deletes nothing, as in SQS after a re-receive). */
  delete(receipts: string[]): void {
    if (!receipts.length) return;
    this.ops.add('sqs.DeleteMessageBatch', Math.ceil(receipts.length / 10));
    for (const r of receipts) {
      const i = this.messages.findIndex((m) => m.receipt === r);
      if (i >= 0) this.messages.splice(i, 1);
    }
  }
}

/** The Lambda SQS event source: polls, invokes the handler with a batch of up to 10, deletes the successes. */
export class SqsEventSource {
  constructor(
    private readonly queue: SqsStandIn,
    private readonly ops: OpCounter,
    private readonly handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>,
    private readonly name = 'deliver',
  ) {}

  /** Invokes the handler until nothing is visible now; returns the number of invocations. */
  async drain(): Promise<number> {
    let invocations = 0;
    for (;;) {
      const batch = this.queue.receive(10);
      if (!batch.length) return invocations;
      invocations++;
      this.ops.add(`lambda.${this.name}`);
      const event: SQSEvent = {
        Records: batch.map((m) => ({
          messageId: m.messageId,
          receiptHandle: m.receipt!,
          body: m.body,
          attributes: { ApproximateReceiveCount: String(m.receiveCount) },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:delivery',
          awsRegion: 'us-east-1',
        })) as unknown as SQSEvent['Records'],
      };
      let failed = new Set<string>();
      try {
        const res = await this.handler(event, {
          functionName: this.name,
          awsRequestId: `req-${invocations}`,
          getRemainingTimeInMillis: () => 60_000,
        } as unknown as Context);
        failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch {
        failed = new Set(batch.map((m) => m.messageId)); // the whole batch comes back
      }
      this.queue.delete(batch.filter((m) => !failed.has(m.messageId)).map((m) => m.receipt!));
    }
  }
}

interface StoredSchedule {
  name: string;
  input: CreateScheduleCommandInput;
  fireAt: number;
  attempts: number;
}

/** EventBridge Scheduler with one schedule group; `at()` schedules fire up to 60 s late (a seeded spread). */
export class SchedulerStandIn {
  readonly schedules = new Map<string, StoredSchedule>();
  /** Every fire: schedule name, its at() time and the simulated moment it fired. */
  readonly fired: { name: string; at: number; firedAt: number }[] = [];
  private seed: number;

  constructor(
    private readonly clock: ManualClock,
    private readonly ops: OpCounter,
    private readonly invoke: (arn: string, input: unknown) => Promise<unknown>,
    seed = 42,
  ) {
    this.seed = seed;
  }

  get client(): SchedulerClient {
    return { send: (cmd: unknown) => this.send(cmd) } as unknown as SchedulerClient;
  }

  /** A deterministic lateness in [0, 60 s). */
  private lateness(): number {
    this.seed = (this.seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return this.seed % 60_000;
  }

  private async send(cmd: unknown): Promise<unknown> {
    if (!(cmd instanceof CreateScheduleCommand))
      throw new Error(`the Scheduler stand-in does not implement ${(cmd as object).constructor.name}`);
    this.ops.add('scheduler.CreateSchedule');
    const input = cmd.input;
    const key = `${input.GroupName ?? 'default'}/${input.Name}`;
    if (this.schedules.has(key))
      throw new ConflictException({
        message: `Schedule ${input.Name} already exists.`,
        Message: `Schedule ${input.Name} already exists.`,
        $metadata: {},
      });
    const at = /^at\((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\)$/.exec(input.ScheduleExpression ?? '');
    if (
      !at ||
      input.ScheduleExpressionTimezone !== 'UTC' ||
      input.FlexibleTimeWindow?.Mode !== 'OFF' ||
      !input.Target?.Arn ||
      !input.Target.RoleArn
    ) {
      throw new AwsLikeError('ValidationException', `unsupported schedule ${JSON.stringify(input)}`);
    }
    const atMs = Date.parse(`${at[1]}Z`);
    this.schedules.set(key, { name: key, input, fireAt: Math.max(atMs, this.clock.now()) + this.lateness(), attempts: 0 });
    return { ScheduleArn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${key}` };
  }

  nextFireAt(): number {
    let t = Infinity;
    for (const s of this.schedules.values()) t = Math.min(t, s.fireAt);
    return t;
  }

  /** Fires every schedule due now; a failed invocation is retried a minute later within its retry policy. */
  async fireDue(): Promise<number> {
    let n = 0;
    for (const s of [...this.schedules.values()]) {
      if (s.fireAt > this.clock.now()) continue;
      n++;
      this.ops.add('scheduler.invocation');
      const at = Date.parse(`${/\((.*)\)/.exec(s.input.ScheduleExpression!)![1]}Z`);
      this.fired.push({ name: s.name, at, firedAt: this.clock.now() });
      try {
        await this.invoke(s.input.Target!.Arn!, JSON.parse(s.input.Target!.Input ?? '{}'));
        if (s.input.ActionAfterCompletion === 'DELETE') this.schedules.delete(s.name);
      } catch {
        s.attempts++;
        if (s.attempts > (s.input.Target!.RetryPolicy?.MaximumRetryAttempts ?? 185)) this.schedules.delete(s.name);
        else s.fireAt = this.clock.now() + 60_000;
      }
    }
    return n;
  }
}

/**
 * API Gateway in front of the route table: API keys (created through the runtime's own
 * `CreateApiKey` calls, recorded here with a mocked client) are checked for private routes as API
 * Gateway does, and the handler gets `requestContext.identity.apiKeyId`.
 */
export class ApiGatewayStandIn {
  /** API key value → its API Gateway id, enabled flag and usage plans. */
  private readonly keys = new Map<string, { id: string; enabled: boolean; plans: Set<string> }>();
  private readonly router = createRouter(routes);
  private readonly handlers = loadHandlers(routes);
  private ids = 0;
  readonly client = new APIGatewayClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  private readonly mock = mockClient(this.client);

  constructor(
    private readonly ops: OpCounter,
    usagePlans: { id: string; name: string }[],
  ) {
    this.mock.on(GetUsagePlansCommand).resolves({ items: usagePlans });
    this.mock.on(CreateApiKeyCommand).callsFake(async (input: { value: string; enabled?: boolean }) => {
      this.ops.add('apigateway.CreateApiKey');
      const id = `gwkey${++this.ids}`;
      this.keys.set(input.value, { id, enabled: input.enabled !== false, plans: new Set() });
      return { id };
    });
    this.mock.on(CreateUsagePlanKeyCommand).callsFake(async (input: { keyId: string; usagePlanId: string }) => {
      this.ops.add('apigateway.CreateUsagePlanKey');
      for (const k of this.keys.values()) if (k.id === input.keyId) k.plans.add(input.usagePlanId);
      return {};
    });
    this.mock.on(DeleteApiKeyCommand).callsFake(async (input: { apiKey: string }) => {
      this.ops.add('apigateway.DeleteApiKey');
      for (const [value, k] of this.keys) if (k.id === input.apiKey) this.keys.delete(value);
      return {};
    });
  }

  /** The API Gateway id of the key with this value. */
  idOf(value: string): string | undefined {
    return this.keys.get(value)?.id;
  }

  /** One HTTP request through the gateway to the route's real handler. */
  async request(
    method: string,
    path: string,
    options: { apiKey?: string; authorization?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const [pathname, search = ''] = path.split('?');
    const match = this.router.match(method, pathname);
    if (!('route' in match)) return gatewayResponse('MISSING_AUTHENTICATION_TOKEN');
    const { route, params } = match;
    let apiKeyId: string | null = null;
    if (route.access === 'control' || route.access === 'data') {
      const key = options.apiKey === undefined ? undefined : this.keys.get(options.apiKey);
      if (!key?.enabled || key.plans.size === 0) return gatewayResponse('API_KEY');
      apiKeyId = key.id;
    }
    this.ops.add(`lambda.api`);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.apiKey !== undefined) headers['x-api-key'] = options.apiKey;
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    const query = Object.fromEntries(new URLSearchParams(search));
    const event = apiGatewayEvent({
      route,
      path: pathname,
      headers,
      query: Object.keys(query).length ? query : null,
      params: Object.keys(params).length ? params : null,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      requestId: `r${this.ids}`,
      apiKeyId,
      sourceIp: '203.0.113.7',
    });
    const res = await this.handlers.get(route)!(event, { awsRequestId: 'r', functionName: route.fn } as unknown as ApiContext);
    return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {} };
  }

  restore(): void {
    this.mock.restore();
  }
}

/**
 * Answers `GetUsage` on `client` (a real API Gateway client on moto_server, which lacks it) from `requests`, the
 * keyed requests the AWS driver let through (API Gateway key id → UTC day → count): one `[used, remaining]` pair per
 * day of the range for each key moto has in the usage plan (or the one key asked for), as API Gateway answers.
 */
export const getUsageStandIn = (client: APIGatewayClient, requests: ReadonlyMap<string, ReadonlyMap<string, number>>): void => {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'GetUsageCommand') return next(args);
      const input = args.input as GetUsageCommandInput;
      const days: string[] = [];
      for (let t = Date.parse(`${input.startDate}T00:00:00Z`); t <= Date.parse(`${input.endDate}T00:00:00Z`); t += 86_400_000)
        days.push(new Date(t).toISOString().slice(0, 10));
      const items: Record<string, number[][]> = {};
      for await (const page of paginateGetUsagePlanKeys({ client }, { usagePlanId: input.usagePlanId })) {
        for (const key of page.items ?? []) {
          if (!key.id || (input.keyId && key.id !== input.keyId)) continue;
          const perDay = requests.get(key.id);
          if (perDay) items[key.id] = days.map((d) => [perDay.get(d) ?? 0, 0]);
        }
      }
      const output: GetUsageCommandOutput = {
        usagePlanId: input.usagePlanId,
        startDate: input.startDate,
        endDate: input.endDate,
        items,
        $metadata: {},
      };
      return { output, response: {} } as Awaited<ReturnType<typeof next>>;
    },
    { step: 'initialize', name: 'getUsageStandIn' },
  );
};
