import '../config/node-version.ts';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ConfigError, localUrl, parseEnv } from '../config/env.ts';
import { environmentWithFile } from '../config/env-file.ts';
import { createDatabase } from '../db/database.ts';
import { DatabaseLockedError } from '../db/sqlite.ts';
import { migrate } from '../db/migrator.ts';
import { isAdminError } from '../modules/admin/admin.errors.ts';
import { createAdminService } from '../modules/admin/admin.service.ts';
import { STAFF_ROLES } from '../platform/roles.ts';
import type { StaffRole } from '../platform/roles.ts';
import { discoverModules, migrationGroups } from '../modules/registry.ts';
import { silentLogger } from '../observability/logger.ts';

// `npm run admin -- <command>`: staff accounts of the admin panel from the command line, for
// the first owner before any bot is reachable, and for recovery when nobody can log in.

const USAGE = `Usage: npm run admin -- <command> [options]

Commands:
  create-owner [--login <name>] [--password <pw>] [--name <display name>]
      Creates an owner who logs in with a password at /admin/ (or resets that owner's
      password and ends their sessions). Asks for what is missing. The password can also
      come from LAVKA_ADMIN_PASSWORD, which keeps it out of the shell history.
  add-staff --telegram-id <id> --role <${STAFF_ROLES.join('|')}> --name <display name>
      Adds a staff member who logs in by sending /admin to the bot.
  list
      Lists staff accounts.
  disable --id <staff id>
      Disables an account and ends its sessions.
`;

const write = (text: string) => process.stdout.write(text);

async function ask(question: string, options: { hidden?: boolean } = {}): Promise<string> {
  if (!process.stdin.isTTY) throw new ConfigError('Missing input and no terminal to ask on.', [`pass it as an option: ${question.replace(/:\s*$/, '')}`]);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  if (options.hidden) {
    // Echo nothing while the password is typed; readline writes through _writeToOutput.
    const muted = rl as unknown as { _writeToOutput(text: string): void };
    let prompted = false;
    muted._writeToOutput = (text: string) => {
      if (!prompted) {
        process.stdout.write(text);
        prompted = true;
      }
    };
  }
  try {
    const answer = await rl.question(question);
    if (options.hidden) write('\n');
    return answer.trim();
  } finally {
    rl.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    write(USAGE);
    return command ? 0 : 1;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      login: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      'telegram-id': { type: 'string' },
      role: { type: 'string' },
      id: { type: 'string' },
    },
    strict: true,
  });

  const environment = environmentWithFile();
  const env = parseEnv(environment);
  const database = await createDatabase({ url: env.DATABASE_URL });
  try {
    await migrate(database, migrationGroups(await discoverModules()));
    const admin = createAdminService({ db: database.db, now: Date.now, logger: silentLogger(), ownerTelegramIds: env.ADMIN_IDS, publicUrl: env.PUBLIC_URL });
    // The panel's address as the server started with the same configuration serves it.
    admin.setListeningUrl(localUrl(env));
    switch (command) {
      case 'create-owner': {
        const login = values.login ?? (await ask('Login: '));
        let password = values.password ?? environment.LAVKA_ADMIN_PASSWORD;
        if (!password) {
          password = await ask('Password (at least 10 characters): ', { hidden: true });
          const again = await ask('Repeat the password: ', { hidden: true });
          if (again !== password) {
            console.error('The passwords differ; nothing was changed.');
            return 1;
          }
        }
        const result = await admin.createOwner({ login, password, displayName: values.name });
        write(
          result.created
            ? `Owner "${result.staff.login}" created. Log in at ${admin.panelUrl()}\n`
            : `Owner "${result.staff.login}" already existed: the password was reset and their sessions ended.\n`,
        );
        return 0;
      }
      case 'add-staff': {
        const role = values.role as StaffRole | undefined;
        const telegramId = Number(values['telegram-id']);
        if (!role || !STAFF_ROLES.includes(role) || !Number.isSafeInteger(telegramId) || telegramId <= 0 || !values.name) {
          console.error(`add-staff needs --telegram-id <id>, --role <${STAFF_ROLES.join('|')}> and --name <display name>.`);
          return 1;
        }
        const staff = await admin.createStaff({ telegramId, role, displayName: values.name });
        write(`Added ${staff.displayName} (${staff.role}, Telegram id ${staff.telegramId}). They log in by sending /admin to the bot.\n`);
        return 0;
      }
      case 'list': {
        const staff = await admin.listStaff();
        if (staff.length === 0) write('No staff accounts yet. ADMIN_IDS owners get one when they first send /admin.\n');
        for (const item of staff) {
          const how = [item.login ? `login ${item.login}` : '', item.telegramId ? `Telegram ${item.telegramId}` : ''].filter(Boolean).join(', ');
          write(`#${item.id}  ${item.role.padEnd(10)} ${item.displayName}  (${how})${item.disabled ? '  [disabled]' : ''}\n`);
        }
        return 0;
      }
      case 'disable': {
        const id = Number(values.id);
        if (!Number.isSafeInteger(id) || id <= 0) {
          console.error('disable needs --id <staff id> (see `npm run admin -- list`).');
          return 1;
        }
        const staff = await admin.updateStaff(id, { disabled: true });
        write(`Disabled ${staff.displayName}; their sessions have ended.\n`);
        return 0;
      }
      default:
        console.error(`Unknown command "${command}".\n`);
        write(USAGE);
        return 1;
    }
  } finally {
    await database.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof ConfigError || error instanceof DatabaseLockedError) console.error(error.message);
  else if (isAdminError(error)) console.error(error.message);
  else if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') console.error(`${(error as Error).message}\n\n${USAGE}`);
  else console.error(`The admin command failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
