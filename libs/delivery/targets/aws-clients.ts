import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { defaultTimeoutMs } from '../../apps/model';

/** How the clients of AWS targets are built. */
export interface AwsTargetClientOptions {
  /** Where every client sends its requests, e.g. an emulator (`PUNCTUAL_AWS_ENDPOINT`). @default the SDK's own resolution */
  endpoint?: string;
  /** The region of requests whose target names none (SES; an emulator's queue URLs). @default the SDK's resolution (`AWS_REGION`…) */
  region?: string;
  /** @default 10_000 ms per request, connect included, as a webhook's default timeout */
  requestTimeoutMs?: number;
}

type Closeable = { destroy(): void };

/**
 * The SDK clients that send to tenants' AWS targets, one per service and region, built on first use
 * with the standard credential chain. Each makes one try per attempt (`maxAttempts: 1`): the app's
 * retry policy is the one that retries, so every try is a recorded attempt. An SQS client sends to the
 * region's endpoint, never to the host of a queue URL (`useQueueUrlAsEndpoint: false`): a tenant's URL
 * cannot steer signed requests elsewhere.
 */
export class AwsTargetClients {
  private readonly built = new Map<string, Closeable>();

  constructor(private readonly o: AwsTargetClientOptions = {}) {}

  sqs(region?: string): SQSClient {
    return this.client('sqs', region, (s) => new SQSClient({ ...s, useQueueUrlAsEndpoint: false }));
  }

  sns(region?: string): SNSClient {
    return this.client('sns', region, (s) => new SNSClient(s));
  }

  eventBridge(region?: string): EventBridgeClient {
    return this.client('events', region, (s) => new EventBridgeClient(s));
  }

  ses(region?: string): SESv2Client {
    return this.client('ses', region, (s) => new SESv2Client(s));
  }

  /** Destroys every client built. */
  close(): void {
    for (const c of this.built.values()) c.destroy();
    this.built.clear();
  }

  private client<C extends Closeable>(service: string, region: string | undefined, make: (settings: ClientSettings) => C): C {
    const r = region ?? this.o.region;
    const key = `${service}/${r ?? ''}`;
    let c = this.built.get(key) as C | undefined;
    if (!c) {
      const timeout = this.o.requestTimeoutMs ?? defaultTimeoutMs;
      c = make({
        maxAttempts: 1,
        requestHandler: { requestTimeout: timeout, connectionTimeout: timeout },
        ...(r ? { region: r } : {}),
        ...(this.o.endpoint ? { endpoint: this.o.endpoint } : {}),
      });
      this.built.set(key, c);
    }
    return c;
  }
}

interface ClientSettings {
  maxAttempts: number;
  requestHandler: { requestTimeout: number; connectionTimeout: number };
  region?: string;
  endpoint?: string;
}
