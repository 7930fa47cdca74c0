/**
 * Chains through the AWS composition root (libs/runtime/aws.ts) with every client on moto_server through
 * PUNCTUAL_AWS_ENDPOINT: an HTTP app's answer mailed through SES by its `onSuccess` chain. Apps and messages are made
 * by the root's services; the deliver function's work (`engine.handle`) takes each record from the real delivery queue,
 * the chained message included.
 */
import { useAwsRoot } from '../../test/support/aws-root';

const { root, p, deliverQueued, createApp, send } = useAwsRoot('punctual-chains');

describe('chains through the AWS composition root on moto_server', () => {
  it("mails an HTTP target's answer through SES: the chained message goes through the delivery queue like any other", async () => {
    root.receiver.respond('/llm', () => ({
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: 'Rates unchanged; equities flat.',
    }));
    const mail = await createApp({ name: 'digest mail', target: { type: 'email', to: ['finance@example.com'], subject: 'Digest' } });
    const llm = await createApp({ name: 'llm', target: { type: 'http', url: `${root.receiver.url}/llm` } });
    const m = await send({ appId: llm.id, payload: { q: 'summarise' }, onSuccess: { appId: mail.id } });
    expect(await deliverQueued()).toEqual(['delivered', 'delivered']);

    const source = await root.runtime.services.messages.get(p, m.id);
    expect(source).toMatchObject({ status: 'delivered', result: { status: 200, body: 'Rates unchanged; equities flat.' } });
    expect(source.chained).toHaveLength(1);
    const chained = await root.runtime.services.messages.get(p, source.chained![0]);
    expect(chained).toMatchObject({ appId: mail.id, chainOf: m.id, status: 'delivered', keyId: p.keyId });
    expect(chained.result?.body).toMatch(/MessageId|messageId/);
    const data = (await (await fetch(`${root.moto.endpoint}/moto-api/data.json`)).json()) as {
      ses: { Message: Record<string, unknown>[] };
    };
    expect(data.ses.Message).toContainEqual(
      expect.objectContaining({ source: 'punctual@example.com', subject: 'Digest', body: 'Rates unchanged; equities flat.' }),
    );
  });
});
