import { z } from 'zod';

export const tenantCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  plan: z.string().min(1).max(64).optional(),
});
export type TenantCreateInput = z.output<typeof tenantCreateSchema>;
