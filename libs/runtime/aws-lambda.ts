/**
 * Lambda entry wiring: esbuild injects this file into every function bundle (serverless.ts,
 * `custom.esbuild.inject`), so the handlers stay runtime-agnostic and unchanged. One runtime per
 * container, built on first use from the environment serverless.ts sets.
 */
import { registerContainer } from '../lambda/container';
import { createAwsRuntime, type AwsRuntime } from './aws';
import { loadAwsConfig } from './aws-config';

let runtime: Promise<AwsRuntime> | undefined;

registerContainer(() => (runtime ??= Promise.resolve().then(() => createAwsRuntime(loadAwsConfig()))));
