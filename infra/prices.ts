/**
 * The AWS runtime's unit prices and the cost of a workload's operations (README, *Cost*): `npm run cost` prints the
 * operations per delivered message (`AWS-OPS`), and the README's table is these prices applied to them. us-east-1 list
 * prices; check the current price pages.
 */

/** Operations per delivered message, as `npm run cost` counts them. */
export interface Ops {
  apiGatewayRequests: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  dynamodbWru: number;
  dynamodbRru: number;
  sqsRequests: number;
  schedulerInvocations: number;
}

/** USD per unit of each operation. */
export const listPrices: Ops = {
  // REST API, first 333 M requests a month.
  apiGatewayRequests: 3.5e-6,
  lambdaInvocations: 0.2e-6,
  // arm64.
  lambdaGbSeconds: 0.0000133334,
  // On-demand.
  dynamodbWru: 0.625e-6,
  dynamodbRru: 0.125e-6,
  // Standard queue, per 64 KB chunk of a request.
  sqsRequests: 0.4e-6,
  schedulerInvocations: 1e-6,
};

/** The cost in USD of a million delivered messages, per operation and in total. */
export const costPerMillion = (ops: Ops, prices: Ops = listPrices): Ops & { total: number } => {
  const lines = Object.fromEntries((Object.keys(listPrices) as (keyof Ops)[]).map((k) => [k, ops[k] * prices[k] * 1e6])) as unknown as Ops;
  const total = Object.values(lines).reduce((a, b) => a + b, 0);
  return { ...lines, total };
};
