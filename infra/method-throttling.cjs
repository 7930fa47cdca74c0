/**
 * osls plugin (serverless.ts `plugins`): puts `custom.methodThrottling` (infra/throttling.ts) on the stage osls's
 * deployment creates, as its `StageDescription.MethodSettings`. osls has no per-method throttling of its own, and the
 * deployment's logical id changes on every package, so a `resources` entry cannot name it. JavaScript because osls
 * requires plugins as they are.
 */
class MethodThrottling {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'after:package:compileEvents': () => this.apply() };
  }

  apply() {
    const settings = this.serverless.service.custom?.methodThrottling;
    if (!settings?.length) return;
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const deployments = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::Deployment');
    if (deployments.length !== 1) throw new Error(`method throttling: expected one API Gateway deployment, found ${deployments.length}`);
    const properties = deployments[0].Properties;
    properties.StageDescription = { ...properties.StageDescription, MethodSettings: settings };
  }
}

module.exports = MethodThrottling;
