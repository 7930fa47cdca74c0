/**
 * Lambda entry wiring: esbuild injects this file into every API function bundle (serverless.ts,
 * `custom.esbuild.inject`), so the handlers stay runtime-agnostic and unchanged. One runtime per container.
 */
import { setDefaultServices } from '../http/api';
import { createAwsRuntime } from './aws';
import { loadAwsConfig } from './aws-config';
import type { Services } from './services';

let services: Promise<Services> | undefined;

setDefaultServices(() => (services ??= Promise.resolve().then(() => createAwsRuntime(loadAwsConfig()).services)));
