import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { Webhook } from 'standardwebhooks';
import type { WebhookEvent } from '@punctual/sdk';
import { webhookMiddleware as expressWebhook } from '@punctual/sdk/express';
import { webhookPlugin } from '@punctual/sdk/fastify';
import { webhookMiddleware as honoWebhook } from '@punctual/sdk/hono';
import { webhookHandler } from '@punctual/sdk/next';
import { webhookListener } from '@punctual/sdk/node';
import { serveFetch } from '../../../test/support/fetch-server';
import { type LocalPunctual, newTenant, startPunctual, waitForStatus } from '../../../test/support/punctual';

/**
 * Each receiver adapter in its real framework, on 127.0.0.1, as the target of an app of a running embedded
 * punctual: genuine deliveries reach the handler; forged, altered, stale and unsigned ones get 401.
 */
interface Harness {
  /** Where the adapter receives deliveries. */
  url: string;
  close(): Promise<void>;
}
type Start = (secret: string, handled: WebhookEvent[]) => Promise<Harness>;

const listenNode = async (server: ReturnType<typeof createServer>): Promise<Harness> => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
};

const adapters: [string, Start][] = [
  ['node http', (secret, handled) => listenNode(createServer(webhookListener({ secret }, (event) => void handled.push(event))))],
  [
    'express',
    (secret, handled) => {
      const app = express();
      app.post('/hook', expressWebhook({ secret }), (req, res) => {
        // The middleware puts the payload in req.body and the event in res.locals.webhook.
        handled.push({ ...res.locals.webhook, payload: req.body });
        res.sendStatus(204);
      });
      return listenNode(createServer(app));
    },
  ],
  [
    'fastify',
    async (secret, handled) => {
      const app = Fastify();
      await app.register(webhookPlugin, { secret, path: '/hook', handler: (event) => void handled.push(event) });
      await app.listen({ port: 0, host: '127.0.0.1' });
      return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/hook`, close: () => app.close() };
    },
  ],
  [
    'next.js route handler',
    async (secret, handled) => {
      const POST = webhookHandler({ secret }, (event) => void handled.push(event));
      const server = await serveFetch(POST);
      return { url: `${server.url}/hook`, close: server.close };
    },
  ],
  [
    'hono',
    async (secret, handled) => {
      const app = new Hono();
      app.post('/hook', honoWebhook({ secret }), (c) => {
        handled.push(c.get('webhook'));
        return c.body(null, 204);
      });
      const server = await serveFetch(app.fetch);
      return { url: `${server.url}/hook`, close: server.close };
    },
  ],
];

/** A request signed as punctual signs one, for the refusal cases a real server never sends. */
const craft = (body: string, opts: { secret?: string; signedBody?: string; at?: Date; unsigned?: boolean }) => {
  const id = 'msg_crafted';
  const at = opts.at ?? new Date();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!opts.unsigned) {
    headers['webhook-id'] = id;
    headers['webhook-timestamp'] = String(Math.floor(at.getTime() / 1000));
    headers['webhook-signature'] = new Webhook(opts.secret!).sign(id, at, opts.signedBody ?? body);
  }
  return { method: 'POST', headers, body };
};

describe('receiver adapters (real frameworks, real deliveries)', () => {
  let server: LocalPunctual;
  beforeAll(async () => {
    server = await startPunctual();
  });
  afterAll(() => server.close());

  describe.each(adapters)('%s', (_name, start) => {
    let harness: Harness;
    let secret: string;
    let t: Awaited<ReturnType<typeof newTenant>>;
    const handled: WebhookEvent[] = [];

    beforeAll(async () => {
      // The app exists before the adapter (which needs its secret); its target is set before its first delivery.
      t = await newTenant(server, { url: 'http://127.0.0.1:9/not-yet' });
      secret = t.app!.signingSecret;
      harness = await start(secret, handled);
      await t.control.apps.update(t.app!.id, { target: { type: 'http', url: harness.url } });
    });
    afterAll(() => harness.close());

    it('hands genuine deliveries to the handler: a JSON payload parsed, a string payload as the string', async () => {
      const json = await t.control.messages.create({ appId: t.app!.id, payload: { order: 42 } });
      const text = await t.control.messages.create({ appId: t.app!.id, payload: 'hello' });
      await waitForStatus(t.control, json.id, 'delivered');
      await waitForStatus(t.control, text.id, 'delivered');
      const byId = new Map(handled.map((e) => [e.id, e]));
      expect(byId.get(json.id)).toMatchObject({ payload: { order: 42 }, attempt: 1, scheduledAt: json.sendAt });
      expect(byId.get(text.id)).toMatchObject({ payload: 'hello', attempt: 1 });
      expect(byId.get(text.id)!.timestamp).toBeInstanceOf(Date);
    });

    it('answers 401 {error: unauthorized, message} to forged, altered, stale and unsigned deliveries, unhandled', async () => {
      const before = handled.length;
      const other = `whsec_${Buffer.from('an attacker guessing the secret.').toString('base64')}`;
      const attempts = {
        forged: craft('{"amount":10}', { secret: other }),
        altered: craft('{"amount":1000}', { secret, signedBody: '{"amount":10}' }),
        stale: craft('{"amount":10}', { secret, at: new Date(Date.now() - 10 * 60_000) }),
        unsigned: craft('{"amount":10}', { unsigned: true }),
      };
      for (const [what, init] of Object.entries(attempts)) {
        const res = await fetch(harness.url, init);
        expect([what, res.status]).toEqual([what, 401]);
        expect(await res.json()).toEqual({ error: 'unauthorized', message: expect.any(String) });
      }
      expect(handled.length).toBe(before);
      // The same request, honestly signed, is accepted: the refusals above are the signature's doing.
      expect((await fetch(harness.url, craft('{"amount":10}', { secret }))).status).toBeLessThan(300);
    });
  });

  describe('express specifics', () => {
    const secret = `whsec_${Buffer.from('express specifics test secret 32').toString('base64')}`;
    const serve = async (setup: (app: express.Express) => void) => {
      const app = express();
      setup(app);
      return listenNode(createServer(app));
    };

    it('works after express.raw(), and refuses (500, handler not called) after express.json() took the raw bytes', async () => {
      const seen: unknown[] = [];
      const raw = await serve((app) =>
        app.post('/hook', express.raw({ type: '*/*' }), expressWebhook({ secret }), (req, res) => void res.status(200).json(req.body)),
      );
      const parsed = await serve((app) => {
        app.use(express.json());
        app.post('/hook', expressWebhook({ secret }), (req, res) => {
          seen.push(req.body);
          res.sendStatus(204);
        });
        app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
          res.status(500).json({ message: err.message });
        });
      });
      try {
        const ok = await fetch(raw.url, craft('{"a":1}', { secret }));
        expect([ok.status, await ok.json()]).toEqual([200, { a: 1 }]);
        const refused = await fetch(parsed.url, craft('{"a":1}', { secret }));
        expect([refused.status, ((await refused.json()) as { message: string }).message]).toEqual([
          500,
          expect.stringContaining('before express.json()'),
        ]);
        expect(seen).toEqual([]);
      } finally {
        await raw.close();
        await parsed.close();
      }
    });

    it('answers 413 over maxBodyBytes', async () => {
      const small = await serve((app) =>
        app.post('/hook', expressWebhook({ secret, maxBodyBytes: 16 }), (_req, res) => void res.sendStatus(204)),
      );
      try {
        const res = await fetch(small.url, craft(JSON.stringify({ long: 'x'.repeat(64) }), { secret }));
        expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([413, 'payload_too_large']);
      } finally {
        await small.close();
      }
    });
  });

  describe('fastify specifics', () => {
    it("keeps the raw-body parser inside the plugin: the app's other routes still parse JSON", async () => {
      const secret = `whsec_${Buffer.from('fastify specifics test secret 32').toString('base64')}`;
      const app = Fastify();
      app.post('/other', async (request) => ({ parsed: request.body }));
      await app.register(webhookPlugin, { secret, path: '/hook', handler: (event) => ({ got: event.payload }) });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      try {
        const other = await fetch(`${base}/other`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
        expect(await other.json()).toEqual({ parsed: { a: 1 } });
        const hook = await fetch(`${base}/hook`, craft('{"b":2}', { secret }));
        expect([hook.status, await hook.json()]).toEqual([200, { got: { b: 2 } }]);
      } finally {
        await app.close();
      }
    });
  });

  describe('node http specifics', () => {
    it('answers 500 when the handler throws (so punctual retries), and tells onError', async () => {
      const secret = `whsec_${Buffer.from('node http specifics test secret.').toString('base64')}`;
      const errors: unknown[] = [];
      const failing = await listenNode(
        createServer(
          webhookListener({ secret, onError: (err) => errors.push(err) }, () => {
            throw new Error('database down');
          }),
        ),
      );
      try {
        const res = await fetch(failing.url, craft('{}', { secret }));
        expect([res.status, await res.json()]).toEqual([500, { error: 'internal', message: 'the webhook handler failed' }]);
        expect(errors).toEqual([new Error('database down')]);
      } finally {
        await failing.close();
      }
    });
  });
});
