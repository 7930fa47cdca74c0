/**
 * What ingestion decides before any store call: the key, the route, the plan's admission, the body checks, and which
 * failures go to the dead-letter queue for good and which the queue retries. Creating for real, on both runtimes, is
 * covered on moto (ingest.aws.test.ts, libs/runtime/aws.aws.test.ts).
 */
import { QuotaExceededError, RateLimitedError, ValidationError } from '../domain/errors';
import type { Services } from '../http/services';
import { InvalidKeyError } from '../keys/errors';
import type { Principal } from '../keys/model';
import { IngestService, ingestFailure } from './service';

const principal: Principal = { tenantId: 'ten_1', keyId: 'key_1', scope: 'data', appId: 'app_1', plan: 'free' };

/** Services that know one key and record what would have been created. */
const servicesFor = () => {
  const created: unknown[] = [];
  const services = {
    keys: { principalOfValue: async (value: string) => (value === 'good' ? principal : undefined) },
    messages: {
      create: async (p: Principal, body: unknown) => {
        created.push({ p, body });
        return { created: true, message: { id: 'msg_1' } };
      },
    },
  } as unknown as Services;
  return { services, created };
};

describe('IngestService', () => {
  it('refuses a message without a key or with an unknown one, as the API answers 401', async () => {
    const { services, created } = servicesFor();
    const ingest = new IngestService({ services });
    await expect(ingest.ingest({ body: '{}', attributes: {} })).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(ingest.ingest({ body: '{}', attributes: { 'x-api-key': 'bad' } })).rejects.toBeInstanceOf(InvalidKeyError);
    expect(created).toEqual([]);
  });

  it('refuses an unknown route, naming the ones it knows', async () => {
    const { services } = servicesFor();
    const err = await new IngestService({ services })
      .ingest({ body: '{}', attributes: { 'x-api-key': 'good', route: 'messages.delete' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/unknown route "messages.delete": use one of messages, messages.batch, schedules/);
  });

  it('admits the request on the key’s plan before reading the body, so a throttled key creates nothing', async () => {
    const { services, created } = servicesFor();
    const admitted: Principal[] = [];
    const admit = async (p: Principal) => {
      admitted.push(p);
      throw new RateLimitedError('slow down', 1);
    };
    // Not even JSON: a throttle answered first shows the body was not read.
    const body = '{"appId":';
    await expect(new IngestService({ services, admit }).ingest({ body, attributes: { 'x-api-key': 'good' } })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    expect(admitted).toEqual([principal]);
    expect(created).toEqual([]);
  });

  it('creates a message from a POST /v1/messages body, with the idempotency key from its attribute and the payload’s text', async () => {
    const { services, created } = servicesFor();
    const body = '{"appId":"app_1","payload":{"b":2,  "a":1}}';
    const result = await new IngestService({ services }).ingest({ body, attributes: { 'x-api-key': 'good', 'idempotency-key': 'k-1' } });
    expect(result).toEqual({ route: 'messages', status: 201, ids: ['msg_1'], refused: [] });
    expect(created).toEqual([
      { p: principal, body: expect.objectContaining({ appId: 'app_1', idempotencyKey: 'k-1', payloadText: '{"b":2,  "a":1}' }) },
    ]);
  });

  it('refuses a body that is not JSON or fails the schema, as the API answers 400', async () => {
    const { services, created } = servicesFor();
    const ingest = new IngestService({ services });
    const refusal = (body: string) => ingest.ingest({ body, attributes: { 'x-api-key': 'good' } }).catch(ingestFailure);
    expect(await refusal('{"appId":')).toMatchObject({ kind: 'refused', error: 'invalid_json', message: expect.stringMatching(/line 1/) });
    expect(await refusal('{"payload":1,"sendAt":"soon"}')).toMatchObject({
      kind: 'refused',
      error: 'invalid_request',
      message: expect.stringMatching(/sendAt/),
    });
    expect(created).toEqual([]);
  });
});

describe('ingestFailure', () => {
  it('retries what passes with time (throttles, store and network failures) and refuses the rest with the API’s code', () => {
    expect(ingestFailure(new RateLimitedError('slow down', 1))).toMatchObject({ kind: 'retry', error: 'rate_limited' });
    expect(ingestFailure(new Error('socket hang up'))).toMatchObject({ kind: 'retry' });
    expect(ingestFailure(new QuotaExceededError('monthly quota used', 3600))).toMatchObject({ kind: 'refused', error: 'quota_exceeded' });
    expect(ingestFailure(new InvalidKeyError())).toMatchObject({ kind: 'refused', error: 'unauthorized' });
    expect(ingestFailure(new ValidationError('bad', []))).toMatchObject({ kind: 'refused', error: 'invalid_request', message: 'bad' });
  });
});
