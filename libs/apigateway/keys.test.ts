import {
  APIGatewayClient,
  ConflictException,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeysCommand,
  GetUsagePlansCommand,
  NotFoundException,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { GatewayKeyConflictError, UsagePlanMissingError } from './errors';
import { ApiGatewayKeys, type GatewayKeyIndex, gatewayKeyTags } from './keys';
import { UsagePlans } from './usage-plans';
import type { ApiKey } from '../keys/model';

const gw = mockClient(APIGatewayClient);
const meta = { $metadata: {} };
const conflict = () => new ConflictException({ message: 'exists', ...meta });

const key: ApiKey = { id: 'key_1', tenantId: 'ten_1', name: 'control key', scope: 'control', plan: 'free', hash: 'h', createdAt: 0 };

/** API Gateway key id → our key id, searched backwards for `gatewayKeyIdOf`. */
const memoryMap = (): GatewayKeyIndex & { entries: Map<string, string> } => {
  const entries = new Map<string, string>();
  return {
    entries,
    put: async (g, k) => void entries.set(g, k),
    gatewayKeyIdOf: async (k) => [...entries].find(([, ours]) => ours === k)?.[0],
  };
};

const setup = () => {
  const map = memoryMap();
  const client = new APIGatewayClient({ region: 'us-east-1' });
  const keys = new ApiGatewayKeys({
    client,
    map,
    usagePlans: new UsagePlans({ client, usagePlanName: (plan) => `punctual-${plan}-test` }),
    tags: gatewayKeyTags('punctual-test'),
  });
  return { keys, map };
};

beforeEach(() => {
  gw.reset();
  gw.on(GetUsagePlansCommand).resolves({
    items: [
      { id: 'up-free', name: 'punctual-free-test' },
      { id: 'up-pro', name: 'punctual-pro-test' },
    ],
  });
});

describe('ApiGatewayKeys', () => {
  describe('issued', () => {
    it('creates the key with our value and id as name, maps it and attaches it to the plan', async () => {
      const { keys, map } = setup();
      gw.on(CreateApiKeyCommand).resolves({ id: 'gw-1' });
      gw.on(CreateUsagePlanKeyCommand).resolves({});

      await keys.issued(key, 'pk_value');

      expect(gw).toHaveReceivedCommandWith(CreateApiKeyCommand, {
        name: 'key_1',
        value: 'pk_value',
        enabled: true,
        customerId: 'ten_1',
        tags: { 'punctual:stack': 'punctual-test' },
      });
      expect(gw).toHaveReceivedCommandWith(CreateUsagePlanKeyCommand, { usagePlanId: 'up-free', keyId: 'gw-1', keyType: 'API_KEY' });
      expect(map.entries.get('gw-1')).toBe('key_1');
    });

    it('fails naming the orphan when CreateApiKey reports a ConflictException, without listing the region’s keys', async () => {
      const { keys, map } = setup();
      gw.on(CreateApiKeyCommand).rejects(conflict());

      const err = await keys.issued(key, 'pk_value').catch((e: unknown) => e);

      expect(err).toBeInstanceOf(GatewayKeyConflictError);
      expect(err).toMatchObject({ keyId: 'key_1', message: expect.stringContaining('key_1') });
      expect(map.entries.size).toBe(0);
      expect(gw).not.toHaveReceivedCommand(GetApiKeysCommand);
      expect(gw).not.toHaveReceivedCommand(CreateUsagePlanKeyCommand);
    });

    it('treats a ConflictException on CreateUsagePlanKey as already attached', async () => {
      const { keys } = setup();
      gw.on(CreateApiKeyCommand).resolves({ id: 'gw-1' });
      gw.on(CreateUsagePlanKeyCommand).rejects(conflict());

      await expect(keys.issued(key, 'pk_value')).resolves.toBeUndefined();
    });

    it('fails before creating anything when the plan has no usage plan', async () => {
      const { keys } = setup();

      await expect(keys.issued({ ...key, plan: 'unlimited' }, 'pk_value')).rejects.toThrow(UsagePlanMissingError);
      expect(gw).not.toHaveReceivedCommand(CreateApiKeyCommand);
    });

    it('pages through usage plans once and caches them', async () => {
      const { keys } = setup();
      gw.on(GetUsagePlansCommand)
        .resolvesOnce({ items: [{ id: 'up-free', name: 'punctual-free-test' }], position: 'p2' })
        .resolvesOnce({ items: [{ id: 'up-pro', name: 'punctual-pro-test' }] });
      gw.on(CreateApiKeyCommand).resolves({ id: 'gw-1' });
      gw.on(CreateUsagePlanKeyCommand).resolves({});

      await keys.issued({ ...key, plan: 'pro' }, 'pk_a');
      await keys.issued(key, 'pk_b');

      expect(gw).toHaveReceivedCommandTimes(GetUsagePlansCommand, 2);
      expect(gw.commandCalls(GetUsagePlansCommand)[1].args[0].input.position).toBe('p2');
      expect(gw).toHaveReceivedCommandWith(CreateUsagePlanKeyCommand, { usagePlanId: 'up-pro' });
    });
  });

  describe('revoked', () => {
    it('deletes the API Gateway key the index names, which also takes it out of its usage plan', async () => {
      const { keys, map } = setup();
      map.entries.set('gw-1', 'key_1');
      map.entries.set('gw-2', 'key_2');
      gw.on(DeleteApiKeyCommand).resolves({});

      await keys.revoked(key);

      expect(gw).toHaveReceivedCommandTimes(DeleteApiKeyCommand, 1);
      expect(gw).toHaveReceivedCommandWith(DeleteApiKeyCommand, { apiKey: 'gw-1' });
      // Deleted, not disabled: a disabled key would still count against the 10,000 per region.
      expect(gw).not.toHaveReceivedCommand(UpdateApiKeyCommand);
      expect(gw).not.toHaveReceivedCommand(GetApiKeysCommand);
    });

    it('accepts an already deleted key', async () => {
      const { keys, map } = setup();
      map.entries.set('gw-1', 'key_1');
      gw.on(DeleteApiKeyCommand).rejects(new NotFoundException({ message: 'gone', ...meta }));

      await expect(keys.revoked(key)).resolves.toBeUndefined();
      expect(gw).toHaveReceivedCommandTimes(DeleteApiKeyCommand, 1);
    });

    it('fails when API Gateway does', async () => {
      const { keys, map } = setup();
      map.entries.set('gw-1', 'key_1');
      gw.on(DeleteApiKeyCommand).rejects(new Error('throttled past the retries'));

      await expect(keys.revoked(key)).rejects.toThrow('throttled');
    });

    it('does nothing when our key has no API Gateway key', async () => {
      const { keys } = setup();

      await keys.revoked(key);

      expect(gw).not.toHaveReceivedCommand(DeleteApiKeyCommand);
    });
  });

  describe('replanned', () => {
    it("leaves the old plan's usage plan first, then joins the new one (one usage plan per stage)", async () => {
      const { keys, map } = setup();
      map.entries.set('gw-1', 'key_1');
      gw.on(DeleteUsagePlanKeyCommand).resolves({});
      gw.on(CreateUsagePlanKeyCommand).resolves({});

      await keys.replanned(key, 'pro');

      expect(gw).toHaveReceivedCommandWith(DeleteUsagePlanKeyCommand, { usagePlanId: 'up-free', keyId: 'gw-1' });
      expect(gw).toHaveReceivedCommandWith(CreateUsagePlanKeyCommand, { usagePlanId: 'up-pro', keyId: 'gw-1', keyType: 'API_KEY' });
      const order = gw.calls().map((c) => c.args[0].constructor.name);
      expect(order.indexOf('DeleteUsagePlanKeyCommand')).toBeLessThan(order.indexOf('CreateUsagePlanKeyCommand'));
    });

    it('finishes a move retried half-way, and does nothing for a key API Gateway does not have', async () => {
      const { keys, map } = setup();
      map.entries.set('gw-1', 'key_1');
      gw.on(DeleteUsagePlanKeyCommand).rejects(new NotFoundException({ message: 'gone', ...meta }));
      gw.on(CreateUsagePlanKeyCommand).rejects(conflict());
      await expect(keys.replanned(key, 'pro')).resolves.toBeUndefined();

      gw.reset();
      map.entries.clear();
      await keys.replanned(key, 'pro');
      expect(gw).toHaveReceivedCommandTimes(CreateUsagePlanKeyCommand, 0);
    });
  });
});
