import type { RequestOptions, Transport } from '../transport.js';
import type { Usage as UsageReport, UsageParams } from '../types.js';

/** Per key, per day counters (control key): `p.usage`. */
export class Usage {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** Day rows between `from` and `to` (YYYY-MM-DD, UTC, inclusive; default the last 30 days), with totals. */
  get(params: UsageParams = {}, options?: RequestOptions): Promise<UsageReport> {
    return this.#http.request({ method: 'GET', path: '/v1/usage', query: params, credential: 'apiKey', retry: true }, options);
  }
}
