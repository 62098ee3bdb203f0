/** Roles of the people who run the business in the admin panel. */
export type StaffRole = 'owner' | 'manager' | 'support' | 'accountant';

/** Every staff role, most powerful first. */
export const STAFF_ROLES: readonly StaffRole[] = ['owner', 'manager', 'support', 'accountant'];

/** Roles a module's routes allow when the module does not say; the owner always is. */
export const DEFAULT_STAFF_ROLES: readonly StaffRole[] = ['manager'];

/** True when `role` may do what `allowed` permits: the owner may do everything. */
export function roleAllows(role: StaffRole, allowed: readonly StaffRole[]): boolean {
  return role === 'owner' || allowed.includes(role);
}

/** `allowed` as documented and reported: the owner first, then the others. */
export function withOwner(allowed: readonly StaffRole[]): StaffRole[] {
  return ['owner', ...allowed.filter((role) => role !== 'owner')];
}
