import { statements } from '../../infra/iam';
import { docsFunctions } from '../../infra/docs';

describe('docs function (infra/docs.ts)', () => {
  const { functions, roles } = docsFunctions('ci');

  it('routes GET docs, docs/{proxy+}, openapi.yaml, console and console/{proxy+} to the docs handler without a key', () => {
    expect(functions).toEqual({
      docs: {
        handler: 'functions/docs/handler.handler',
        role: 'DocsRole',
        events: [
          { http: { method: 'get', path: 'docs', private: false } },
          { http: { method: 'get', path: 'docs/{proxy+}', private: false } },
          { http: { method: 'get', path: 'openapi.yaml', private: false } },
          { http: { method: 'get', path: 'console', private: false } },
          { http: { method: 'get', path: 'console/{proxy+}', private: false } },
        ],
      },
    });
  });

  it('gives it a role that may write its own logs and nothing else', () => {
    expect(Object.keys(roles)).toEqual(['DocsRole']);
    const role = roles.DocsRole as { Properties: { Policies: { PolicyDocument: { Statement: unknown[] } }[] } };
    const granted = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
    expect(granted).toEqual(statements('docs', 'ci', { table: 'none', enqueue: false, gatewayKeys: false }));
    expect(granted).toEqual([expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] })]);
    expect(JSON.stringify(granted)).toContain('/aws/lambda/punctual-ci-docs:');
  });
});
