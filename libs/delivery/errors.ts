/**
 * Errors raised inside the delivery client. They never leave it: `deliver()` turns them into a
 * `DeliveryOutcome`. They carry a Node-style `code` because they travel through `net`/undici,
 * which only pass errors along.
 */

/**
 * The connect-time SSRF guard refused a target: its host is, or resolves to, a private or reserved
 * address, or (when private targets are refused) it does not resolve at all. One message for both, so a
 * tenant cannot probe which internal host names exist.
 */
export class TargetRefusedError extends Error {
  readonly code = 'ESSRF';
  /** Names only the host as given by the tenant: the resolved addresses (or the lack of them) would map our network for them. */
  constructor(readonly host: string) {
    super(targetUnreachable(host));
    this.name = 'TargetRefusedError';
  }
}

/** The one text of a refused or unresolvable target host (private targets refused). */
export const targetUnreachable = (host: string): string => `target host ${host} cannot be reached: it does not resolve to a public address`;

/** The egress rules do not allow the target's port (hosted deployments: `PUNCTUAL_EGRESS_PORTS`). */
export class PortRefusedError extends Error {
  readonly code = 'EPORT';
  constructor(
    readonly port: number,
    allowed: readonly number[],
  ) {
    super(portRefused(port, allowed));
    this.name = 'PortRefusedError';
  }
}

/** The text of a port the egress rules refuse, at creation and at send. */
export const portRefused = (port: number, allowed: readonly number[]): string =>
  `target port ${port} is not allowed; allowed ports: ${allowed.join(', ')}`;
