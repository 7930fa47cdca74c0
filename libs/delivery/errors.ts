/**
 * Errors raised inside the delivery client. They never leave it: `deliver()` turns them into a
 * `DeliveryOutcome`. They carry a Node-style `code` because they travel through `net`/undici,
 * which only pass errors along.
 */

/** The connect-time SSRF guard refused a target that is, or resolves to, a private address. */
export class TargetRefusedError extends Error {
  readonly code = 'ESSRF';
  /** Names only the host as given by the tenant: the resolved addresses would map our network for them. */
  constructor(readonly host: string) {
    super(`target host ${host} is, or resolves to, a private or reserved address; refused`);
    this.name = 'TargetRefusedError';
  }
}
