/**
 * Lambda entry wiring: esbuild injects this file into every function bundle (serverless.ts,
 * `custom.esbuild.inject`), so the handlers stay runtime-agnostic and unchanged. One runtime per
 * container, built on first use from the environment serverless.ts sets.
 */
import { setDefaultServices } from '../http/api';
import { createAwsRuntime, type AwsRuntime } from './aws';
import { loadAwsConfig } from './aws-config';
import { currentAwsRuntime, setAwsRuntime } from './aws-current';

let runtime: Promise<AwsRuntime> | undefined;

setAwsRuntime(() => (runtime ??= Promise.resolve().then(() => createAwsRuntime(loadAwsConfig()))));
setDefaultServices(async () => (await currentAwsRuntime()).services);
