/**
 * The container's AWS runtime, for the engine and metering functions (API functions reach theirs
 * through `setDefaultServices`). libs/runtime/aws-lambda.ts registers the real one in every bundle;
 * tests register a runtime on dynalite and stand-ins, then invoke the same exported handlers.
 */
import type { AwsRuntime } from './aws';

let provider: (() => Promise<AwsRuntime>) | undefined;

export const setAwsRuntime = (p: () => Promise<AwsRuntime>): void => {
  provider = p;
};

export const currentAwsRuntime = (): Promise<AwsRuntime> => {
  if (!provider) throw new Error('no AWS runtime registered (libs/runtime/aws-lambda.ts registers it in every Lambda bundle)');
  return provider();
};
