import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  GetUsageCommand,
  GetUsagePlansCommand,
} from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { ApiKey } from '../keys/model';
import { UsagePlanMissingError } from './errors';
import { ApiGatewayKeys } from './keys';
import { ApiGatewayRequests } from './usage';
import { UsagePlans } from './usage-plans';

const gw = mockClient(APIGatewayClient);
const client = new APIGatewayClient({ region: 'us-east-1' });
const lookup = () => new UsagePlans({ client, usagePlanName: (plan) => `punctual-${plan}-test` });

/** Answers GetUsagePlans in two pages, recording each request's position as it is sent. */
const twoPages = () => {
  const positions: (string | undefined)[] = [];
  const pages = [
    {
      items: [
        { id: 'up-free', name: 'punctual-free-test' },
        { id: 'up-x', name: 'someone-elses' },
      ],
      position: 'p2',
    },
    { items: [{ id: 'up-pro', name: 'punctual-pro-test' }] },
  ];
  gw.on(GetUsagePlansCommand).callsFake(async (input: { position?: string }) => {
    positions.push(input.position);
    return pages[positions.length - 1];
  });
  return positions;
};

beforeEach(() => gw.reset());

describe('UsagePlans', () => {
  describe('idOf', () => {
    it('reads every page of usage plans once, then answers from memory', async () => {
      const positions = twoPages();
      const plans = lookup();

      expect(await plans.idOf('pro')).toBe('up-pro');
      expect(await plans.idOf('free')).toBe('up-free');

      expect(positions).toEqual([undefined, 'p2']);
      expect(gw.commandCalls(GetUsagePlansCommand)[0].args[0].input).toMatchObject({ limit: 500 });
    });

    it('names the plan and the usage plan it expected when the stack has none', async () => {
      twoPages();
      await expect(lookup().idOf('unlimited')).rejects.toThrow(new UsagePlanMissingError('unlimited', 'punctual-unlimited-test'));
    });

    it('lists again after a failed listing', async () => {
      gw.on(GetUsagePlansCommand)
        .rejectsOnce(Object.assign(new Error('throttled past the client retries'), { name: 'TooManyRequestsException' }))
        .resolves({ items: [{ id: 'up-free', name: 'punctual-free-test' }] });
      const plans = lookup();
      await expect(plans.idOf('free')).rejects.toThrow('throttled');
      expect(await plans.idOf('free')).toBe('up-free');
    });
  });

  describe('idsOf', () => {
    it('gives the usage plans of the plans that have one', async () => {
      twoPages();
      expect(await lookup().idsOf(['free', 'unlimited', 'pro'])).toEqual(['up-free', 'up-pro']);
    });
  });

  it('is one lookup for the key mirror and the request counter', async () => {
    const positions = twoPages();
    const plans = lookup();
    const keys = new ApiGatewayKeys({
      client,
      map: { put: async () => undefined, gatewayKeyIdOf: async () => undefined },
      usagePlans: plans,
    });
    const tenantKeys = async () => new Map([['gw-1', 'key_1']]);
    const requests = new ApiGatewayRequests({ client, usagePlans: plans, plans: ['free', 'pro'], tenantKeys });
    gw.on(CreateApiKeyCommand).resolves({ id: 'gw-1' });
    gw.on(CreateUsagePlanKeyCommand).resolves({});
    gw.on(GetUsageCommand).resolves({ startDate: '2026-11-23', items: { 'gw-1': [[2, 0]] } });
    const key: ApiKey = { id: 'key_1', tenantId: 'ten_1', name: 'k', scope: 'control', plan: 'free', hash: 'h', createdAt: 0 };

    await keys.issued(key, 'pk_value');
    await requests.counts('ten_1', '2026-11-23', '2026-11-23');

    expect(positions).toEqual([undefined, 'p2']); // one listing (two pages) in all
    expect(gw).toHaveReceivedCommandWith(GetUsageCommand, { usagePlanId: 'up-pro' });
  });
});
