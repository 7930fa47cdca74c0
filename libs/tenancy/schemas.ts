import { z } from 'zod';
import { pageQuerySchema } from '../domain/schemas';
import { TenantStatus } from './model';

const name = z.string().trim().min(1).max(200);
const plan = z.string().min(1).max(64);

export const tenantCreateSchema = z.strictObject({
  name,
  plan: plan.optional(),
});
export type TenantCreateInput = z.output<typeof tenantCreateSchema>;

export const tenantUpdateSchema = z.strictObject({
  name: name.optional(),
  plan: plan.optional(),
  status: z.enum([TenantStatus.active, TenantStatus.suspended], { error: 'status must be "active" or "suspended"' }).optional(),
});
export type TenantUpdateInput = z.output<typeof tenantUpdateSchema>;

export const tenantListQuerySchema = pageQuerySchema;
export type TenantListQuery = z.output<typeof tenantListQuerySchema>;
