import { promises as dns, type LookupAddress } from 'node:dns';
import { BlockList, isIP, isIPv6, type LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import { ValidationError } from '../domain/errors';
import { PortRefusedError, portRefused, TargetRefusedError } from './errors';

/** Resolves a host name to every address it currently has; injectable so tests need no real DNS. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

/** The operating system's resolver (getaddrinfo, so `/etc/hosts` counts), as a plain socket would use. */
export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true });

// IANA special-purpose IPv4 ranges a webhook has no business reaching.
const ipv4Blocked: ReadonlyArray<[string, number]> = [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT, often the provider's own infrastructure
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, incl. the 169.254.169.254 cloud metadata service
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. broadcast 255.255.255.255
];

// Special ranges inside 2000::/3; everything outside 2000::/3 is refused wholesale (see below).
const ipv6Blocked: ReadonlyArray<[string, number]> = [
  ['2001::', 23], // IETF protocol assignments, incl. Teredo, which tunnels to arbitrary IPv4
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation
];

const blockList = new BlockList();
for (const [net, prefix] of ipv4Blocked) blockList.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of ipv6Blocked) blockList.addSubnet(net, prefix, 'ipv6');

/** The eight 16-bit words of a valid IPv6 address (dotted IPv4 tail allowed). */
const ipv6Words = (ip: string): number[] => {
  let text = ip;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const gap = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...gap, ...right].map((word) => parseInt(word, 16));
};

/** The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4), if any. */
const embeddedIPv4 = (w: number[]): string | undefined => {
  const quad = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeros = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && w[5] === 0xffff) return quad(w[6], w[7]); // ::ffff:0:0/96
  if (w[0] === 0x64 && w[1] === 0xff9b && zeros(2, 6)) return quad(w[6], w[7]); // 64:ff9b::/96
  if (w[0] === 0x2002) return quad(w[1], w[2]); // 2002::/16
  return undefined;
};

/** True unless `ip` is a public unicast address; a string that is not an IP at all is refused too. */
export const isPrivateAddress = (ip: string): boolean => {
  const address = ip.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, ''); // brackets, IPv6 zone id
  const family = isIP(address);
  if (family === 4) return blockList.check(address, 'ipv4');
  if (family !== 6) return true;
  const words = ipv6Words(address);
  const v4 = embeddedIPv4(words);
  if (v4 !== undefined) return isPrivateAddress(v4);
  // Only 2000::/3 is global unicast; the rest is ::, ::1, ULA fc00::/7, link-local fe80::/10,
  // multicast ff00::/8, discard 100::/64, local NAT64 and unassigned space.
  if ((words[0] & 0xe000) !== 0x2000) return true;
  return blockList.check(address, 'ipv6');
};

/** One dotted part of a WHATWG IPv4 host in decimal, octal (leading 0) or hex (0x). */
const ipv4Part = (part: string): number | undefined => {
  if (/^0x[0-9a-f]*$/i.test(part)) return part.length === 2 ? 0 : parseInt(part.slice(2), 16);
  if (/^0[0-7]+$/.test(part)) return parseInt(part.slice(1), 8);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return Number(part);
  return undefined;
};

/** `host` as a dotted IPv4 address when it is one in any WHATWG spelling (2130706433, 0x7f.1…). */
const ipv4FromNumbers = (host: string): string | undefined => {
  const parts = host.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length > 4) return undefined;
  const values = parts.map(ipv4Part);
  if (values.some((v) => v === undefined)) return undefined;
  const numbers = values as number[];
  const last = numbers.pop() as number;
  if (numbers.some((v) => v > 255) || last >= 256 ** (4 - numbers.length)) return undefined;
  const value = numbers.reduce((sum, v, i) => sum + v * 256 ** (3 - i), 0) + last;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
};

/** A host as the network sees it: lower case, no brackets or trailing dot, numeric IPv4 spellings as a dotted quad. */
export const normalizeHost = (host: string): string => {
  // WHATWG `new URL()` already does this for URL hosts; this covers hosts that arrive by other routes.
  const bare = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (isIPv6(bare)) return bare;
  const name = bare.endsWith('.') ? bare.slice(0, -1) : bare;
  return ipv4FromNumbers(name) ?? name;
};

// RFC 6761: these names always mean this machine, whatever DNS says.
const isLocalName = (host: string): boolean => host === 'localhost' || host.endsWith('.localhost');

/** The egress rules of a deployment: where webhooks may go. */
export interface EgressRules {
  /** Whether targets may be loopback, private, link-local or metadata addresses (development). */
  allowPrivateTargets: boolean;
  /** The only ports targets may use, or `'any'`. @default `hostedPorts` when private targets are refused, `'any'` otherwise */
  allowedPorts?: readonly number[] | 'any';
}

/** @default ports a hosted deployment (private targets refused) lets webhooks use */
export const hostedPorts: readonly number[] = [80, 443, 8080, 8443];

/** The ports `rules` allow (undefined: any): the given list, or by default `hostedPorts` when private targets are refused. */
export const allowedPortsOf = (rules: EgressRules): readonly number[] | undefined => {
  const ports = rules.allowedPorts ?? (rules.allowPrivateTargets ? 'any' : hostedPorts);
  return ports === 'any' ? undefined : ports;
};

/** The port a URL connects to, its scheme's default when it names none. */
const portOf = (url: URL): number => (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

/** The error of a target URL the guard refuses. */
const invalidUrl = (issue: string): ValidationError => new ValidationError(issue, [{ path: 'target.url', issue }]);

/** Create-time check of a target URL: http(s), no credentials, an allowed port, no literal private address unless allowed. */
export const assertTargetUrl = (url: string, opts: EgressRules): void => {
  // Names are not resolved here: what they resolve to can change, so they are checked at connect time.
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw invalidUrl('target.url must be an http(s) URL');
  }
  if (parsed.username || parsed.password) throw invalidUrl('target.url must not contain credentials');
  const ports = allowedPortsOf(opts);
  if (ports && !ports.includes(portOf(parsed))) throw invalidUrl(portRefused(portOf(parsed), ports));
  if (opts.allowPrivateTargets) return;
  const host = normalizeHost(parsed.hostname);
  if (isIP(host) ? isPrivateAddress(host) : isLocalName(host)) {
    throw invalidUrl('target.url must not point to a private, loopback or reserved address');
  }
};

/**
 * A `net.connect` lookup that refuses a name when any of its addresses is private (unless allowed). When
 * private targets are refused, a name that does not resolve is refused with the same error, so a tenant
 * cannot tell an internal name (refused) from a missing one (not found).
 */
export const guardedLookup = (opts: { allowPrivateTargets: boolean; resolve?: Resolver }): LookupFunction => {
  // The socket connects to an address checked here, so a name that turns private after creation
  // (DNS rebinding) is caught; one private address among public ones is enough to refuse.
  const resolve = opts.resolve ?? systemResolver;
  const notFound = (hostname: string): NodeJS.ErrnoException =>
    opts.allowPrivateTargets
      ? Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname })
      : new TargetRefusedError(hostname);
  return (hostname, options, callback) => {
    Promise.resolve(hostname)
      .then(resolve)
      .then(
        (found) => {
          if (!opts.allowPrivateTargets && found.some((a) => isPrivateAddress(a.address))) {
            return callback(new TargetRefusedError(hostname), '', 0);
          }
          const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
          const addresses = family ? found.filter((a) => a.family === family) : found;
          if (addresses.length === 0) return callback(notFound(hostname), '', 0);
          if (options.all) return callback(null, addresses);
          return callback(null, addresses[0].address, addresses[0].family);
        },
        // Any resolver failure (not found, no data, server failure, timeout) looks alike to the tenant when hosting.
        (err: NodeJS.ErrnoException) => callback(opts.allowPrivateTargets ? err : new TargetRefusedError(hostname), '', 0),
      );
  };
};

/**
 * An undici connector applying the egress rules: the port, and the SSRF guard to literal IP hosts and,
 * through `guardedLookup`, to names.
 */
export const guardedConnector = (opts: EgressRules & { resolve?: Resolver }): buildConnector.connector => {
  // Node skips `lookup` for literal IPs, so those are checked here, before connecting.
  const connect = buildConnector({ lookup: guardedLookup(opts) });
  const ports = allowedPortsOf(opts);
  return (options, callback) => {
    const port = options.port ? Number(options.port) : options.protocol === 'https:' ? 443 : 80;
    if (ports && !ports.includes(port)) {
      process.nextTick(callback, new PortRefusedError(port, ports), null);
      return;
    }
    const host = normalizeHost(options.hostname);
    if (!opts.allowPrivateTargets && isIP(host) && isPrivateAddress(host)) {
      // Asynchronous like a real connect failure, so undici's bookkeeping sees the usual order.
      process.nextTick(callback, new TargetRefusedError(host), null);
      return;
    }
    connect(options, callback);
  };
};
