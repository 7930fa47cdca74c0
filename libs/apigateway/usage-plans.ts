import { type APIGatewayClient, paginateGetUsagePlans } from '@aws-sdk/client-api-gateway';
import { UsagePlanMissingError } from './errors';

/** Options of the usage-plan lookup. */
export interface UsagePlansOptions {
  client: APIGatewayClient;
  /** The usage plan name of a catalogue plan (osls: `punctual-<plan>-<stage>`). */
  usagePlanName: (plan: string) => string;
}

/**
 * The stack's usage plans by catalogue plan, for the key mirror (which plan a key joins) and the
 * request counter (which plans to read): one listing per container, shared by both. The stack creates
 * the usage plans, so the listing is kept for the container's life; a failed listing is tried again.
 */
export class UsagePlans {
  private byName?: Promise<Map<string, string>>;

  constructor(private readonly o: UsagePlansOptions) {}

  /** The id of a plan's usage plan; `UsagePlanMissingError` when the stack has none. */
  async idOf(plan: string): Promise<string> {
    const name = this.o.usagePlanName(plan);
    const id = (await this.listing()).get(name);
    if (!id) throw new UsagePlanMissingError(plan, name);
    return id;
  }

  /** The ids of the usage plans of those of `plans` that have one. */
  async idsOf(plans: string[]): Promise<string[]> {
    const byName = await this.listing();
    return plans.flatMap((plan) => byName.get(this.o.usagePlanName(plan)) ?? []);
  }

  private listing(): Promise<Map<string, string>> {
    this.byName ??= this.load().catch((err: unknown) => {
      this.byName = undefined;
      throw err;
    });
    return this.byName;
  }

  private async load(): Promise<Map<string, string>> {
    const byName = new Map<string, string>();
    for await (const page of paginateGetUsagePlans({ client: this.o.client, pageSize: 500 }, {})) {
      for (const p of page.items ?? []) if (p.name && p.id) byName.set(p.name, p.id);
    }
    return byName;
  }
}
