import {
  APIGatewayClient,
  ConflictException,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeysCommand,
  GetUsagePlansCommand,
  NotFoundException,
  TooManyRequestsException,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ApiGatewayKeys, UsagePlanMissingError } from './keys';
import type { ApiKey } from '../keys/model';
import type { GatewayKeyMap } from '../keys/port';

const gw = mockClient(APIGatewayClient);
const meta = { $metadata: {} };
const throttled = () => new TooManyRequestsException({ message: 'slow down', ...meta });
const conflict = () => new ConflictException({ message: 'exists', ...meta });

const key: ApiKey = { id: 'key_1', tenantId: 'ten_1', name: 'control key', scope: 'control', plan: 'free', hash: 'h', createdAt: 0 };

const memoryMap = (): GatewayKeyMap & { entries: Map<string, string> } => {
  const entries = new Map<string, string>();
  return { entries, put: async (g, k) => void entries.set(g, k), keyIdOf: async (g) => entries.get(g) };
};

const setup = () => {
  const map = memoryMap();
  const sleeps: number[] = [];
  const keys = new ApiGatewayKeys({
    client: new APIGatewayClient({ region: 'us-east-1' }),
    map,
    usagePlanName: (plan) => `punctual-${plan}-test`,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
  });
  return { keys, map, sleeps };
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

      expect(gw).toHaveReceivedCommandWith(CreateApiKeyCommand, { name: 'key_1', value: 'pk_value', enabled: true, customerId: 'ten_1' });
      expect(gw).toHaveReceivedCommandWith(CreateUsagePlanKeyCommand, { usagePlanId: 'up-free', keyId: 'gw-1', keyType: 'API_KEY' });
      expect(map.entries.get('gw-1')).toBe('key_1');
    });

    it('retries TooManyRequestsException with backoff', async () => {
      const { keys, sleeps } = setup();
      gw.on(CreateApiKeyCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({ id: 'gw-1' });
      gw.on(CreateUsagePlanKeyCommand).rejectsOnce(throttled()).resolves({});

      await keys.issued(key, 'pk_value');

      expect(gw).toHaveReceivedCommandTimes(CreateApiKeyCommand, 3);
      expect(gw).toHaveReceivedCommandTimes(CreateUsagePlanKeyCommand, 2);
      expect(sleeps).toEqual([100, 200, 100]);
    });

    it('gives up after the configured attempts', async () => {
      const { keys } = setup();
      gw.on(CreateApiKeyCommand).rejects(throttled());

      await expect(keys.issued(key, 'pk_value')).rejects.toThrow(TooManyRequestsException);
      expect(gw).toHaveReceivedCommandTimes(CreateApiKeyCommand, 5);
    });

    it('reuses the existing key when CreateApiKey reports a ConflictException', async () => {
      const { keys, map } = setup();
      gw.on(CreateApiKeyCommand).rejects(conflict());
      gw.on(GetApiKeysCommand).resolves({
        items: [
          { id: 'gw-other', name: 'key_10' },
          { id: 'gw-old', name: 'key_1' },
        ],
      });
      gw.on(CreateUsagePlanKeyCommand).resolves({});

      await keys.issued(key, 'pk_value');

      expect(map.entries.get('gw-old')).toBe('key_1');
      expect(gw).toHaveReceivedCommandWith(CreateUsagePlanKeyCommand, { keyId: 'gw-old' });
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
    it('disables the key and detaches it from its usage plan', async () => {
      const { keys } = setup();
      gw.on(GetApiKeysCommand).resolves({ items: [{ id: 'gw-1', name: 'key_1' }] });
      gw.on(UpdateApiKeyCommand).resolves({});
      gw.on(DeleteUsagePlanKeyCommand).resolves({});

      await keys.revoked(key);

      expect(gw).toHaveReceivedCommandWith(GetApiKeysCommand, { nameQuery: 'key_1' });
      expect(gw).toHaveReceivedCommandWith(UpdateApiKeyCommand, {
        apiKey: 'gw-1',
        patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
      });
      expect(gw).toHaveReceivedCommandWith(DeleteUsagePlanKeyCommand, { usagePlanId: 'up-free', keyId: 'gw-1' });
    });

    it('retries throttling and accepts an already detached key', async () => {
      const { keys } = setup();
      gw.on(GetApiKeysCommand)
        .rejectsOnce(throttled())
        .resolves({ items: [{ id: 'gw-1', name: 'key_1' }] });
      gw.on(UpdateApiKeyCommand).rejectsOnce(throttled()).resolves({});
      gw.on(DeleteUsagePlanKeyCommand).rejects(new NotFoundException({ message: 'gone', ...meta }));

      await expect(keys.revoked(key)).resolves.toBeUndefined();
      expect(gw).toHaveReceivedCommandTimes(UpdateApiKeyCommand, 2);
    });

    it('does nothing when API Gateway has no such key', async () => {
      const { keys } = setup();
      gw.on(GetApiKeysCommand).resolves({ items: [] });

      await keys.revoked(key);

      expect(gw).not.toHaveReceivedCommand(UpdateApiKeyCommand);
    });
  });
});
