import { z } from 'zod';
import { noteAudit } from '../../platform/audit.ts';
import { route, type AnyApiRoute } from '../../platform/route.ts';
import { OWNER_ONLY, idParams, staffRoleSchema, staffViewSchema, type AdminApiDeps } from './admin.api.ts';
import { AdminError } from './admin.errors.ts';

/** The staff page: accounts, roles, disabling (the owner only). */
export function staffRoutes(deps: AdminApiDeps): AnyApiRoute[] {
  return [
    route({
      method: 'GET',
      url: '/staff',
      tag: 'staff',
      summary: 'Staff accounts and their roles',
      staffRoles: OWNER_ONLY,
      response: z.object({ staff: z.array(staffViewSchema) }),
      handler: async () => ({ staff: await deps.admin.listStaff() }),
    }),
    route({
      method: 'POST',
      url: '/staff',
      tag: 'staff',
      summary: 'Adds a staff member (by Telegram id for link login, or a login and password)',
      staffRoles: OWNER_ONLY,
      body: z.object({
        displayName: z.string().trim().min(1).max(128),
        role: staffRoleSchema,
        telegramId: z.number().int().positive().max(2 ** 52).optional(),
        login: z.string().trim().min(3).max(64).optional(),
        password: z.string().min(1).max(256).optional(),
      }),
      handler: async ({ body, request, reply }) => {
        const staff = await deps.admin.createStaff(body);
        noteAudit(request, { subject: { type: 'staff', id: staff.id } });
        return reply.code(201).send({ staff });
      },
    }),
    route({
      method: 'PATCH',
      url: '/staff/:id',
      tag: 'staff',
      summary: 'Changes a staff member’s role or disables the account (their sessions end)',
      staffRoles: OWNER_ONLY,
      params: idParams,
      body: z.object({
        role: staffRoleSchema.optional(),
        disabled: z.boolean().optional(),
        displayName: z.string().trim().min(1).max(128).optional(),
      }),
      handler: async ({ params, body, principal, request }) => {
        if (params.id === principal.staff.id && (body.disabled || (body.role && body.role !== principal.staff.role))) {
          throw new AdminError('admin.conflict', 'You cannot change your own role or disable yourself.');
        }
        noteAudit(request, { subject: { type: 'staff', id: params.id } });
        return { staff: await deps.admin.updateStaff(params.id, body) };
      },
    }),
  ];
}
