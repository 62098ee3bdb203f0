/**
 * What an API key may touch: one scope per resource of the integration API and kind of
 * access. A key with `write` on a resource may also read it.
 */
export const API_RESOURCES = ['orders', 'catalog', 'customers', 'bookings', 'payments', 'wallet', 'messages', 'broadcasts', 'webhooks'] as const;

/** A resource of the integration API. */
export type ApiResource = (typeof API_RESOURCES)[number];

/** `orders:read`, `orders:write`, … */
export type ApiScope = `${ApiResource}:${'read' | 'write'}`;

/** Every scope a key may hold, resource by resource, read before write. */
export const API_SCOPES: readonly ApiScope[] = API_RESOURCES.flatMap((resource) => [`${resource}:read`, `${resource}:write`] as const);

/** True for a string that names a scope. */
export function isApiScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value);
}

/** True when the scopes a key holds allow `required` (write on a resource implies read). */
export function scopeAllows(granted: readonly ApiScope[], required: ApiScope): boolean {
  if (granted.includes(required)) return true;
  const [resource, access] = required.split(':') as [ApiResource, 'read' | 'write'];
  return access === 'read' && granted.includes(`${resource}:write`);
}
