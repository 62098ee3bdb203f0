import { z } from 'zod';
import type { BusinessConfig } from '../../config/business.ts';
import type { Env } from '../../config/env.ts';
import type { Db } from '../../db/database.ts';
import { STAFF_ROLES, type StaffRole } from '../../platform/roles.ts';
import type { Translator } from '../../telegram/i18n.ts';
import type { Runtime, ServicesOf } from '../module.ts';
import type { ContentService } from './admin.content.ts';
import type { AdminService } from './admin.service.ts';
import type { LiveSettings } from './admin.settings.ts';

/** The services the panel's own pages read: customers, the audit log, and what the dashboard sums up. */
export type AdminApiServices = ServicesOf<'users' | 'audit', 'faq' | 'orders' | 'payments' | 'broadcasts' | 'wallet' | 'integrations'>;

/** Everything the panel's own API (`/api/admin`) reads. */
export interface AdminApiDeps {
  admin: AdminService;
  content: ContentService;
  /** The live settings; one PUT and one DELETE route per section. */
  settings: LiveSettings;
  services: AdminApiServices;
  runtime: Runtime;
  env: Env;
  db: Db;
  dialect: string;
  config: BusinessConfig;
  i18n: Translator;
  now(): number;
}

/** Who may use what on the panel's own pages. */
export const ANY_ROLE: readonly StaffRole[] = STAFF_ROLES;
export const OWNER_ONLY: readonly StaffRole[] = [];
export const CUSTOMER_READERS: readonly StaffRole[] = ['manager', 'support'];
export const DASHBOARD_READERS: readonly StaffRole[] = ['manager', 'accountant'];

export const idParams = z.object({ id: z.coerce.number().int().positive().describe('Id') });
export const staffRoleSchema = z.enum(['owner', 'manager', 'support', 'accountant']);

export const staffViewSchema = z.object({
  id: z.number(),
  telegramId: z.number().nullable(),
  login: z.string().nullable(),
  displayName: z.string(),
  role: staffRoleSchema,
  disabled: z.boolean(),
  hasPassword: z.boolean(),
  createdAt: z.number(),
  lastLoginAt: z.number().nullable(),
});
