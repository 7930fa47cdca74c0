import { describeGeneratedTypes } from '../../test/support/generated-types';

/** The SDK's types are generated from openapi.yaml; this keeps the committed copy from drifting. */
describeGeneratedTypes('sdk/src/schema.d.ts', 'generate:sdk');
