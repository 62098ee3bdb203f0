import { defineModule } from '../module.ts';
import { createUsersService, type UsersService } from './users.service.ts';
import { usersMigrations } from './users.migrations.ts';

declare module '../module.ts' {
  interface ModuleServices {
    users: UsersService;
  }
}

/** Users: registration on first contact, profile, language, phone, tags, blocked flag. */
export const module = defineModule({
  name: 'users',
  core: true,
  migrations: usersMigrations,
  setup: (deps) => ({
    service: createUsersService({ db: deps.database.db, now: deps.now, adminIds: deps.env.ADMIN_IDS, defaultCountry: () => deps.config.business.defaultCountry, events: deps.events }),
  }),
});
