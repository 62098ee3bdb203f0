import assert from 'node:assert/strict';
import type { StaffRole } from '../../src/platform/roles.ts';
import type { TestLavka } from './harness.ts';

/** Every staff role, the owner first. */
export const ROLES: readonly StaffRole[] = ['owner', 'manager', 'support', 'accountant'];
/** Methods that change nothing and need no CSRF token. */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A staff session as the panel holds it. */
export interface StaffSession {
  cookie: string;
  csrf: string;
}

/** A concrete URL for a route pattern: parameters get plausible values. */
export function concrete(url: string): string {
  return url
    .replace(/:locale\b/g, 'ru')
    .replace(/:provider\b/g, 'qr')
    .replace(/:tag\b/g, 'vip')
    .replace(/:[A-Za-z_]\w*/g, '1')
    .replace(/\*/g, 'x');
}

/** Logs in one staff member per role (the owner from ADMIN_IDS) and returns their sessions. */
export async function staffSessions(lavka: TestLavka, ownerTelegramId: number): Promise<Map<StaffRole, StaffSession>> {
  const admin = lavka.app.services.admin;
  assert.ok(admin, 'the admin module is running');
  const owner = await admin.staffForTelegram({ id: ownerTelegramId, first_name: 'Owner' });
  assert.ok(owner);
  const sessions = new Map<StaffRole, StaffSession>();
  for (const role of ROLES) {
    const staff = role === 'owner' ? { id: owner.id } : await admin.createStaff({ telegramId: 5000 + ROLES.indexOf(role), displayName: `Test ${role}`, role });
    const started = await admin.startSession(staff.id, { ip: '127.0.0.1' });
    sessions.set(role, { cookie: `lavka_admin=${started.token}`, csrf: started.csrfToken });
  }
  return sessions;
}
