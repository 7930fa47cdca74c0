import { costPerMillion, listPrices, type Ops } from './prices';

const none: Ops = {
  apiGatewayRequests: 0,
  lambdaInvocations: 0,
  lambdaGbSeconds: 0,
  dynamodbWru: 0,
  dynamodbRru: 0,
  sqsRequests: 0,
  schedulerInvocations: 0,
};

describe('the cost of a million messages', () => {
  it('is each operation per message times its unit price, times a million', () => {
    // One REST request per message: API Gateway alone is $3.50 a million.
    expect(costPerMillion({ ...none, apiGatewayRequests: 1 }).total).toBeCloseTo(3.5, 10);
    const c = costPerMillion({
      apiGatewayRequests: 1,
      lambdaInvocations: 2,
      lambdaGbSeconds: 0.05,
      dynamodbWru: 4,
      dynamodbRru: 2,
      sqsRequests: 3,
      schedulerInvocations: 0.01,
    });
    expect(c.lambdaInvocations).toBeCloseTo(0.4, 10);
    expect(c.lambdaGbSeconds).toBeCloseTo(0.66667, 5);
    expect(c.dynamodbWru).toBeCloseTo(2.5, 10);
    expect(c.dynamodbRru).toBeCloseTo(0.25, 10);
    expect(c.sqsRequests).toBeCloseTo(1.2, 10);
    expect(c.schedulerInvocations).toBeCloseTo(0.01, 10);
    expect(c.total).toBeCloseTo(3.5 + 0.4 + 0.66667 + 2.5 + 0.25 + 1.2 + 0.01, 4);
  });

  it('prices every operation the AWS-OPS line counts', () => {
    expect(Object.keys(listPrices).sort()).toEqual(Object.keys(none).sort());
    expect(costPerMillion(none).total).toBe(0);
  });
});
