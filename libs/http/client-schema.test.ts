import { describeGeneratedTypes } from '../../test/support/generated-types';

/** The e2e client's types are generated from openapi.yaml; this keeps the committed copy from drifting. */
describeGeneratedTypes('e2e/client/schema.d.ts', 'generate:client');
