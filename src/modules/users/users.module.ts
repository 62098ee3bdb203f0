import { defineModule } from '../module.ts';
import { createUsersApi } from './users.api.ts';
import { createUsersService, type UsersService } from './users.service.ts';
import { usersMigrations } from './users.migrations.ts';

declare module '../module.ts' {
  interface ModuleServices {
    users: UsersService;
  }
}

/** Users: registration on first contact, profile, language, phone, tags, blocked flag; customers and messages in the integration API. */
export const module = defineModule({
  name: 'users',
  core: true,
  migrations: usersMigrations,
  setup: (deps) => {
    const users = createUsersService({ db: deps.database.db, now: deps.now, adminIds: deps.env.ADMIN_IDS, defaultCountry: () => deps.config.business.defaultCountry, events: deps.events });
    return { service: users, integrationRoutes: createUsersApi({ users, db: deps.database.db, now: deps.now }) };
  },
});
