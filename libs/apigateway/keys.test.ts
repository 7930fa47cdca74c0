import {
  APIGatewayClient,
  ConflictException,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeysCommand,
  GetUsagePlansCommand,
  NotFoundException,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { UsagePlanMissingError } from './errors';
import { ApiGatewayKeys } from './keys';
import { UsagePlans } from './usage-plans';
import type { ApiKey } from '../keys/model';
import type { GatewayKeyMap } from '../keys/port';

const gw = mockClient(APIGatewayClient);
const meta = { $metadata: {} };
const conflict = () => new ConflictException({ message: 'exists', ...meta });

const key: ApiKey = { id: 'key_1', tenantId: 'ten_1', name: 'control key', scope: 'control', plan: 'free', hash: 'h', createdAt: 0 };

const memoryMap = (): GatewayKeyMap & { entries: Map<string, string> } => {
  const entries = new Map<string, string>();
  return { entries, put: async (g, k) => void entries.set(g, k), keyIdOf: async (g) => entries.get(g) };
};

const setup = () => {
  const map = memoryMap();
  const client = new APIGatewayClient({ region: 'us-east-1' });
  const keys = new ApiGatewayKeys({
    client,
    map,
    usagePlans: new UsagePlans({ client, usagePlanName: (plan) => `punctual-${plan}-test` }),
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

      expect(gw).toHaveReceivedCommandWith(CreateApiKeyCommand, { name: 'key_1', value: 'pk_value', enabled: true, customerId: 'ten_1' });
      expect(gw).toHaveReceivedCommandWith(CreateUsagePlanKeyCommand, { usagePlanId: 'up-free', keyId: 'gw-1', keyType: 'API_KEY' });
      expect(map.entries.get('gw-1')).toBe('key_1');
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

    it('accepts an already detached key', async () => {
      const { keys } = setup();
      gw.on(GetApiKeysCommand).resolves({ items: [{ id: 'gw-1', name: 'key_1' }] });
      gw.on(UpdateApiKeyCommand).resolves({});
      gw.on(DeleteUsagePlanKeyCommand).rejects(new NotFoundException({ message: 'gone', ...meta }));

      await expect(keys.revoked(key)).resolves.toBeUndefined();
      expect(gw).toHaveReceivedCommandTimes(UpdateApiKeyCommand, 1);
    });

    it('does nothing when API Gateway has no such key', async () => {
      const { keys } = setup();
      gw.on(GetApiKeysCommand).resolves({ items: [] });

      await keys.revoked(key);

      expect(gw).not.toHaveReceivedCommand(UpdateApiKeyCommand);
    });
  });
});
