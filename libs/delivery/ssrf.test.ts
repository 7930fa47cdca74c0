import type { LookupAddress } from 'node:dns';
import { ValidationError } from '../domain/errors';
import { assertTargetUrl, guardedLookup, isPrivateAddress, normalizeHost, type Resolver } from './ssrf';

const resolverOf =
  (table: Record<string, LookupAddress[]>): Resolver =>
  async (hostname) =>
    table[hostname] ?? [];

/** Runs a lookup function and settles with what its callback got. */
const lookUp = (
  lookup: ReturnType<typeof guardedLookup>,
  hostname: string,
  options: { all?: boolean; family?: number } = {},
): Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }> =>
  new Promise((resolve) => lookup(hostname, options, (err, address, family) => resolve({ err, address, family })));

describe('ssrf', () => {
  describe('isPrivateAddress', () => {
    it.each([
      ['127.0.0.1'],
      ['127.255.255.254'],
      ['::1'],
      ['0.0.0.0'],
      ['0.1.2.3'],
      ['::'],
      ['10.0.0.1'],
      ['10.255.255.255'],
      ['172.16.0.1'],
      ['172.31.255.255'],
      ['192.168.1.1'],
      ['100.64.0.1'],
      ['100.127.255.255'],
      ['169.254.0.1'],
      ['169.254.169.254'],
      ['fc00::1'],
      ['fd12:3456:789a::1'],
      ['fe80::1'],
      ['fe80::1%eth0'],
      ['febf::1'],
      ['::ffff:127.0.0.1'],
      ['::ffff:7f00:1'],
      ['::ffff:10.0.0.1'],
      ['::ffff:169.254.169.254'],
      ['64:ff9b::a9fe:a9fe'], // NAT64 of 169.254.169.254
      ['2002:7f00:1::1'], // 6to4 of 127.0.0.1
      ['[::1]'],
      ['224.0.0.1'],
      ['239.255.255.250'],
      ['ff02::1'],
      ['255.255.255.255'],
      ['240.0.0.1'],
      ['192.0.2.1'],
      ['198.18.0.1'],
      ['198.51.100.7'],
      ['203.0.113.9'],
      ['2001:db8::1'],
      ['2001::1'], // Teredo
      ['not an ip'],
      [''],
    ])('refuses %s', (ip) => {
      expect(isPrivateAddress(ip)).toBe(true);
    });

    it.each([
      ['8.8.8.8'],
      ['1.1.1.1'],
      ['172.32.0.1'],
      ['172.15.255.255'],
      ['100.128.0.1'],
      ['192.169.0.1'],
      ['2606:4700::1111'],
      ['2a00:1450:4001:80b::200e'],
      ['::ffff:8.8.8.8'],
      ['64:ff9b::808:808'],
    ])('accepts public %s', (ip) => {
      expect(isPrivateAddress(ip)).toBe(false);
    });
  });

  describe('normalizeHost', () => {
    it.each([
      ['2130706433', '127.0.0.1'],
      ['0177.0.0.1', '127.0.0.1'],
      ['0x7f.1', '127.0.0.1'],
      ['0x7F000001', '127.0.0.1'],
      ['127.1', '127.0.0.1'],
      ['0x7f.0.0.1.', '127.0.0.1'],
      ['017700000001', '127.0.0.1'],
      ['0', '0.0.0.0'],
      ['10.0.0.1', '10.0.0.1'],
      ['[::1]', '::1'],
      ['[::FFFF:7F00:1]', '::ffff:7f00:1'],
      ['Example.COM.', 'example.com'],
      ['08.0.0.1', '08.0.0.1'], // 08 is not octal: a name, not an address
      ['4294967296', '4294967296'], // one past 255.255.255.255
      ['1.2.3.4.5', '1.2.3.4.5'],
      ['0x.example', '0x.example'],
    ])('%s → %s', (host, expected) => {
      expect(normalizeHost(host)).toBe(expected);
    });

    it('agrees with WHATWG URL on numeric spellings', () => {
      for (const host of ['2130706433', '0177.0.0.1', '0x7f.1', '127.1', '0x7f.0.0.1.']) {
        expect(normalizeHost(host)).toBe(new URL(`http://${host}/`).hostname.replace(/\.$/, ''));
      }
    });
  });

  describe('assertTargetUrl', () => {
    const refusal = (url: string, allowPrivateTargets = false): ValidationError | undefined => {
      try {
        assertTargetUrl(url, { allowPrivateTargets });
        return undefined;
      } catch (err) {
        if (err instanceof ValidationError) return err;
        throw err;
      }
    };

    it.each([['ftp://example.com/x'], ['example.com/hook'], ['not a url'], ['javascript:alert(1)'], ['file:///etc/passwd']])(
      'refuses %s as not http(s)',
      (url) => {
        const err = refusal(url, true);
        expect(err?.message).toBe('target.url must be an http(s) URL');
        expect(err?.issues).toEqual([{ path: 'target.url', issue: 'target.url must be an http(s) URL' }]);
      },
    );

    it('refuses credentials in the URL', () => {
      expect(refusal('http://user:pw@example.com/', true)?.issues[0]).toEqual({
        path: 'target.url',
        issue: 'target.url must not contain credentials',
      });
      expect(refusal('https://user@example.com/', true)).toBeInstanceOf(ValidationError);
    });

    it.each([
      ['http://127.0.0.1/'],
      ['http://2130706433/'],
      ['http://0177.0.0.1/'],
      ['http://0x7f.1/'],
      ['http://127.1:8080/hook'],
      ['http://[::1]/'],
      ['http://[::ffff:127.0.0.1]/'],
      ['http://169.254.169.254/latest/meta-data/'],
      ['http://10.0.0.1/'],
      ['https://localhost/'],
      ['http://api.localhost./'],
    ])('refuses private %s unless private targets are allowed', (url) => {
      expect(refusal(url)?.issues[0]?.path).toBe('target.url');
      expect(refusal(url, true)).toBeUndefined();
    });

    it.each([['https://example.com/hook'], ['http://8.8.8.8:8080/'], ['https://[2606:4700::1111]/x'], ['https://10.example.com/']])(
      'accepts %s',
      (url) => {
        expect(refusal(url)).toBeUndefined();
      },
    );

    it.each([['http://example.com:22/'], ['https://example.com:6379/'], ['http://example.com:8081/']])(
      'refuses %s: not one of the hosted ports (80, 443, 8080, 8443) when private targets are refused',
      (url) => {
        expect(refusal(url)?.issues[0]).toEqual({ path: 'target.url', issue: expect.stringMatching(/^target port \d+ is not allowed/) });
      },
    );

    it('takes any port when private targets are allowed, and only the given ones when a list is set', () => {
      expect(refusal('http://example.com:22/', true)).toBeUndefined();
      const only9000 = (url: string) => () => assertTargetUrl(url, { allowPrivateTargets: true, allowedPorts: [9000] });
      expect(only9000('http://example.com:9000/')).not.toThrow();
      expect(only9000('https://example.com/')).toThrow('target port 443 is not allowed; allowed ports: 9000');
    });
  });

  describe('guardedLookup', () => {
    const resolve = resolverOf({
      'rebind.test': [{ address: '10.0.0.1', family: 4 }],
      'mixed.test': [
        { address: '93.184.216.34', family: 4 },
        { address: '::1', family: 6 },
      ],
      'public.test': [
        { address: '2606:4700::1111', family: 6 },
        { address: '93.184.216.34', family: 4 },
      ],
    });

    it('refuses a name that resolves to a private address, naming the host only', async () => {
      const { err } = await lookUp(guardedLookup({ allowPrivateTargets: false, resolve }), 'rebind.test');
      expect(err?.code).toBe('ESSRF');
      expect(err?.message).toContain('rebind.test');
      expect(err?.message).not.toContain('10.0.0.1');
    });

    it('refuses a name when any one of its addresses is private', async () => {
      const lookup = guardedLookup({ allowPrivateTargets: false, resolve });
      expect((await lookUp(lookup, 'mixed.test', { all: true })).err?.code).toBe('ESSRF');
      expect((await lookUp(lookup, 'mixed.test', { family: 4 })).err?.code).toBe('ESSRF');
    });

    it('answers all addresses or the first, honouring a family filter', async () => {
      const lookup = guardedLookup({ allowPrivateTargets: false, resolve });
      expect((await lookUp(lookup, 'public.test', { all: true })).address).toHaveLength(2);
      expect(await lookUp(lookup, 'public.test')).toMatchObject({ err: null, address: '2606:4700::1111', family: 6 });
      expect(await lookUp(lookup, 'public.test', { family: 4 })).toMatchObject({ address: '93.184.216.34', family: 4 });
    });

    it('lets private addresses through when allowed', async () => {
      const lookup = guardedLookup({ allowPrivateTargets: true, resolve });
      expect(await lookUp(lookup, 'rebind.test')).toMatchObject({ err: null, address: '10.0.0.1', family: 4 });
    });

    it('refuses an unknown name exactly as a private one when private targets are refused, so neither can be told apart', async () => {
      const lookup = guardedLookup({ allowPrivateTargets: false, resolve });
      const missing = (await lookUp(lookup, 'nowhere.test')).err;
      const internal = (await lookUp(lookup, 'rebind.test')).err;
      expect(missing?.code).toBe('ESSRF');
      expect(missing?.message).toBe(internal?.message.replace('rebind.test', 'nowhere.test'));
    });

    it('reports an unknown name as ENOTFOUND when private targets are allowed (development)', async () => {
      const { err } = await lookUp(guardedLookup({ allowPrivateTargets: true, resolve }), 'nowhere.test');
      expect(err?.code).toBe('ENOTFOUND');
    });

    it('refuses on any resolver failure when private targets are refused, and passes it through otherwise', async () => {
      const failing: Resolver = async () => {
        throw Object.assign(new Error('queryA ETIMEOUT slow.test'), { code: 'ETIMEOUT' });
      };
      const hosted = (await lookUp(guardedLookup({ allowPrivateTargets: false, resolve: failing }), 'slow.test')).err;
      expect(hosted).toMatchObject({ code: 'ESSRF', message: expect.not.stringContaining('ETIMEOUT') });
      const open = (await lookUp(guardedLookup({ allowPrivateTargets: true, resolve: failing }), 'slow.test')).err;
      expect(open?.code).toBe('ETIMEOUT');
    });
  });
});
