/**
 * The thin driver of the AWS tier: the one stand-in left when the AWS runtime runs on moto_server, playing what
 * moto cannot do without Docker, namely invoke Lambdas. Every resource it reads is a real moto resource:
 * - API Gateway: a request to a private route needs an API key that exists in moto, is enabled and belongs to one
 *   of the usage plans (else API Gateway's own refusal, in the body infra/gateway-responses.ts gives it); the sign-up
 *   route runs the Cognito TOKEN authorizer first; the route's handler gets API Gateway's proxy event with
 *   `requestContext.identity.apiKeyId`. It counts keyed requests per key and day, as API Gateway meters them
 *   (aws-standins.ts serves them as `GetUsage`, which moto lacks).
 * - EventBridge Scheduler: fires the `at()` schedules of the group that are due on the given clock into their target
 *   (the wake handler) with their `Input`, and deletes those with `ActionAfterCompletion: DELETE`.
 * - The SQS event source: long-polls the queue, invokes the deliver handler with up to 10 records and deletes every
 *   record it did not report as a batch item failure.
 * - The DynamoDB stream's two event sources: reads the table's stream (moto's DynamoDB Streams) and invokes each of its
 *   consumers, the hand-off and the metering handler, with the records its filter patterns keep (infra/engine.ts); a
 *   hand-off record reported failed comes again, with the ones after it, on the next read (the stream's retry).
 * Tests only.
 */
import { type APIGatewayClient, paginateGetApiKeys, paginateGetUsagePlanKeys, paginateGetUsagePlans } from '@aws-sdk/client-api-gateway';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteScheduleCommand, GetScheduleCommand, paginateListSchedules, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyResult,
  APIGatewayTokenAuthorizerEvent,
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { gatewayResponse } from '../../infra/gateway-responses';
import type { Clock } from '../../libs/domain/clock';
import { apiGatewayEvent, loadHandlers } from '../../libs/gateway/handlers';
import { createRouter } from '../../libs/gateway/router';
import type { ApiContext } from '../../libs/http/api';
import { type Route, routes } from '../../libs/http/routes';
import { MotoTableStream } from './moto-stream';
import { passesFilters } from './stream-filters';

/** Real time moved by a jump: how a test reaches a moment an hour ahead without waiting for it. */
export class OffsetClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  /** Moves this clock (never real time) forward. */
  jump(ms: number): void {
    this.offset += ms;
  }
}

/** The Lambda handlers the driver invokes, as the stack wires them. */
export interface DriverHandlers {
  /** The Cognito TOKEN authorizer of the sign-up route. */
  authorizer: (event: APIGatewayTokenAuthorizerEvent) => Promise<unknown>;
  /** A bucket's wake-up (Scheduler's target). */
  wake: (input: never) => Promise<unknown>;
  /** The delivery queue's consumer. */
  deliver: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  /** The table stream's consumers: metering, and the engine's hand-off. */
  aggregate: (event: DynamoDBStreamEvent) => Promise<unknown>;
  handoff: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
}

/** Options of the driver. */
export interface AwsDriverOptions {
  clients: { apiGateway: APIGatewayClient; sqs: SQSClient; scheduler: SchedulerClient; dynamodb: DynamoDBClient };
  /** moto_server's endpoint (DynamoDB Streams has no SDK client in this repository: the driver speaks its JSON protocol). */
  endpoint: string;
  queueUrl: string;
  tableName: string;
  scheduleGroup: string;
  /** The usage plans keyed routes accept keys of. */
  usagePlanNames: string[];
  /** When Scheduler considers an `at()` due (the runtime's clock). */
  clock: Clock;
  handlers: DriverHandlers;
  /** The Lambda filter patterns of each stream consumer (infra/engine.ts). */
  streamFilters: { aggregate: readonly unknown[]; handoff: readonly unknown[] };
  /**
   * Called before each API request with its route (to register the container its function runs in); what it returns
   * is called after the request.
   */
  onRoute?: (route: Route) => (() => void) | undefined;
}

/** An API response: status and parsed body, and the Lambda result as the function returned it (for size checks). */
export interface DriverResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by shape, so loosely typed here
  body: Record<string, any>;
  lambda?: APIGatewayProxyResult;
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export class AwsDriver {
  private readonly router = createRouter(routes);
  private readonly handlers = loadHandlers(routes);
  /** API Gateway key id → UTC day → keyed requests let through (API Gateway's metering). */
  readonly requests = new Map<string, Map<string, number>>();
  private readonly stream: MotoTableStream;
  /** Hand-off records to give it again: from the first it reported failed on (the stream retries from there). */
  private handoffRetries: DynamoDBRecord[] = [];
  private requestIds = 0;

  constructor(private readonly o: AwsDriverOptions) {
    this.stream = new MotoTableStream({ dynamodb: o.clients.dynamodb, endpoint: o.endpoint, tableName: o.tableName });
  }

  /** One HTTP request through "API Gateway" to the route's real handler. */
  async request(
    method: string,
    path: string,
    options: { apiKey?: string; authorization?: string; body?: unknown; rawBody?: string } = {},
  ): Promise<DriverResponse> {
    const [pathname, search = ''] = path.split('?');
    const match = this.router.match(method, pathname);
    if (!('route' in match)) return gatewayResponse('MISSING_AUTHENTICATION_TOKEN');
    const { route, params } = match;
    let apiKeyId: string | null = null;
    if (route.access === 'control' || route.access === 'data') {
      apiKeyId = options.apiKey === undefined ? null : await this.acceptedKeyId(options.apiKey);
      if (!apiKeyId) return gatewayResponse('API_KEY');
      const day = utcDay(this.o.clock.now());
      const perDay = this.requests.get(apiKeyId) ?? new Map<string, number>();
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
      this.requests.set(apiKeyId, perDay);
    }
    const after = this.o.onRoute?.(route);
    try {
      return await this.invoke(route, params, pathname, search, apiKeyId, options);
    } finally {
      after?.();
    }
  }

  private async invoke(
    route: Route,
    params: Record<string, string>,
    pathname: string,
    search: string,
    apiKeyId: string | null,
    options: { apiKey?: string; authorization?: string; body?: unknown; rawBody?: string },
  ): Promise<DriverResponse> {
    if (route.access === 'operator') {
      const authorized = await this.o.handlers
        .authorizer({ type: 'TOKEN', authorizationToken: options.authorization ?? '', methodArn: `arn:${route.fn}` })
        .then(
          () => true,
          () => false,
        );
      if (!authorized) return gatewayResponse('UNAUTHORIZED');
    }
    const headers: Record<string, string> = {};
    if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] = 'application/json';
    if (options.apiKey !== undefined) headers['x-api-key'] = options.apiKey;
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    const query = Object.fromEntries(new URLSearchParams(search));
    const event = apiGatewayEvent({
      route,
      path: pathname,
      headers,
      query: Object.keys(query).length ? query : null,
      params: Object.keys(params).length ? params : null,
      body: options.rawBody ?? (options.body === undefined ? null : JSON.stringify(options.body)),
      requestId: `req-${++this.requestIds}`,
      apiKeyId,
      sourceIp: '203.0.113.7',
    });
    const lambda = await this.handlers.get(route)!(event, {
      awsRequestId: event.requestContext.requestId,
      functionName: route.fn,
    } as ApiContext);
    return { status: lambda.statusCode, body: lambda.body ? JSON.parse(lambda.body) : {}, lambda };
  }

  /** The API Gateway id of an enabled key with this value in one of the usage plans, as API Gateway checks it. */
  private async acceptedKeyId(value: string): Promise<string | null> {
    let id: string | undefined;
    for await (const page of paginateGetApiKeys({ client: this.o.clients.apiGateway }, { includeValues: true })) {
      const key = page.items?.find((k) => k.value === value);
      if (key) {
        if (!key.enabled) return null;
        id = key.id;
        break;
      }
    }
    if (!id) return null;
    for await (const plans of paginateGetUsagePlans({ client: this.o.clients.apiGateway }, {})) {
      for (const plan of plans.items ?? []) {
        if (!plan.name || !this.o.usagePlanNames.includes(plan.name)) continue;
        for await (const keys of paginateGetUsagePlanKeys({ client: this.o.clients.apiGateway }, { usagePlanId: plan.id! })) {
          if (keys.items?.some((k) => k.id === id)) return id;
        }
      }
    }
    return null;
  }

  /** Fires the group's `at()` schedules due on the clock; returns how many fired. */
  async fireDueSchedules(): Promise<number> {
    const { scheduler } = this.o.clients;
    let fired = 0;
    for await (const page of paginateListSchedules({ client: scheduler }, { GroupName: this.o.scheduleGroup })) {
      for (const summary of page.Schedules ?? []) {
        const s = await scheduler.send(new GetScheduleCommand({ Name: summary.Name!, GroupName: this.o.scheduleGroup }));
        const at = /^at\((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\)$/.exec(s.ScheduleExpression ?? '');
        if (!at || s.ScheduleExpressionTimezone !== 'UTC')
          throw new Error(`the driver fires UTC at() schedules only: ${s.ScheduleExpression}`);
        if (Date.parse(`${at[1]}Z`) > this.o.clock.now()) continue;
        fired++;
        // A failed invocation stays, and is fired again on a later call (Scheduler's retries).
        await this.o.handlers.wake(JSON.parse(s.Target?.Input ?? '{}') as never);
        if (s.ActionAfterCompletion === 'DELETE')
          await scheduler.send(new DeleteScheduleCommand({ Name: summary.Name!, GroupName: this.o.scheduleGroup }));
      }
    }
    return fired;
  }

  /** One long poll of the queue into the deliver handler; returns how many records it handled. */
  async pollQueue(waitSeconds = 1): Promise<number> {
    const { sqs } = this.o.clients;
    const got = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.o.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    const messages = got.Messages ?? [];
    if (!messages.length) return 0;
    const event = {
      Records: messages.map((m) => ({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body ?? '',
        attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1' },
        messageAttributes: {},
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:delivery',
        awsRegion: 'us-east-1',
      })),
    } as unknown as SQSEvent;
    let failed: Set<string>;
    try {
      const res = await this.o.handlers.deliver(event, {
        functionName: 'engineDeliver',
        awsRequestId: `deliver-${++this.requestIds}`,
        getRemainingTimeInMillis: () => 90_000,
      } as unknown as Context);
      failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failed = new Set(messages.map((m) => m.MessageId!)); // the whole batch comes back after the visibility timeout
    }
    const done = messages.filter((m) => !failed.has(m.MessageId!));
    if (done.length)
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.o.queueUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    return messages.length;
  }

  /** Reads every new record of the table's stream into its consumers; returns how many records they were given. */
  async readStream(): Promise<number> {
    const records = await this.stream.read();
    const handoff = [...this.handoffRetries, ...records.filter((r) => passesFilters(this.o.streamFilters.handoff, r))];
    this.handoffRetries = [];
    if (handoff.length) {
      let from: number;
      try {
        const res = await this.o.handlers.handoff({ Records: handoff });
        const failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
        from = handoff.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
      } catch {
        from = 0; // the invocation died: the whole batch again
      }
      if (from >= 0) this.handoffRetries = handoff.slice(from);
    }
    const metered = records.filter((r) => passesFilters(this.o.streamFilters.aggregate, r));
    if (metered.length) await this.o.handlers.aggregate({ Records: metered });
    return handoff.length + metered.length;
  }

  /** Sweeps the event sources (Scheduler, the queue, the stream) until `done` holds; fails after `timeoutMs`. */
  async runUntil(done: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`the AWS driver gave up after ${timeoutMs} ms`);
      await this.readStream();
      await this.fireDueSchedules();
      await this.pollQueue(1);
    }
  }
}
