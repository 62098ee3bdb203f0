import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Composer } from 'grammy';
import { sql } from 'kysely';
import { z } from 'zod';
import { defineModule } from '../../src/modules/module.ts';
import { noteAudit } from '../../src/platform/audit.ts';
import { route } from '../../src/platform/route.ts';
import { waitText } from '../support/chat.ts';
import { staffSessions, type StaffSession } from '../support/admin-gate.ts';
import { startTestLavka, type TestLavka } from '../support/harness.ts';
import type { StaffRole } from '../../src/platform/roles.ts';
import type { BotContext } from '../../src/telegram/context.ts';

const OWNER_TG = 910;

/**
 * The module README's "Adding a module" builds, written only against the module contract: a
 * table, a bot command, a staff API route and a panel page with no front-end code of its own.
 * Its labels are messages of the locale files (`command-faq` stands in for the module's own).
 */
const notesModule = defineModule({
  name: 'notes',
  dependsOn: ['users'],
  migrations: [
    {
      name: '0001_notes',
      async up(db, { col }) {
        await col
          .id(db.schema.createTable('notes'))
          .addColumn('user_id', 'bigint', (c) => c.notNull())
          .addColumn('text', 'varchar(500)', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
  ],
  panel: [
    {
      id: 'notes',
      label: 'command-faq',
      icon: 'text',
      group: 'business',
      order: 65,
      table: { source: '/', rows: 'notes', columns: [{ key: 'text', label: 'command-faq' }, { key: 'createdAt', label: 'notes-no-such-message', format: 'date' }] },
    },
  ],
  setup(deps) {
    const db = deps.database.db;
    const list = async () =>
      (await sql<{ id: number; user_id: number; text: string; created_at: number }>`select id, user_id, text, created_at from notes order by id`.execute(db)).rows.map((row) => ({
        id: Number(row.id),
        userId: Number(row.user_id),
        text: row.text,
        createdAt: Number(row.created_at),
      }));
    const add = async (userId: number, text: string) => void (await sql`insert into notes (user_id, text, created_at) values (${userId}, ${text}, ${deps.now()})`.execute(db));
    // `/note <text>`: a customer leaves a note for the staff.
    const composer = new Composer<BotContext>();
    composer.command('note', async (ctx) => {
      const text = (ctx.message?.text ?? '').replace(/^\/note(@\w+)?/, '').trim();
      if (!ctx.from || text === '') return;
      await add(ctx.from.id, text.slice(0, 500));
      await ctx.reply(ctx.t('broadcasts-button-thanks'));
    });
    return {
      composer,
      commands: [{ command: 'note', description: 'command-faq' }],
      routes: [
        route({ method: 'GET', url: '/', summary: 'Every note, oldest first', handler: async () => ({ notes: await list() }) }),
        route({
          method: 'POST',
          url: '/',
          summary: 'Adds a note for a customer',
          body: z.object({ userId: z.number().int().positive(), text: z.string().trim().min(1).max(500) }),
          handler: async ({ body, request, reply }) => {
            if (!(await deps.services.users.get(body.userId))) return reply.code(404).send({ error: 'notes.unknown_user', message: 'No such customer.' });
            await add(body.userId, body.text);
            noteAudit(request, { subject: { type: 'user', id: body.userId } });
            return reply.code(201).send({ notes: await list() });
          },
        }),
      ],
    };
  },
});

describe('a module added through its own folder: a command, an API route and a panel page', () => {
  let lavka: TestLavka;
  const sessions = new Map<StaffRole, StaffSession>();
  const inject = (method: 'GET' | 'POST', url: string, role?: StaffRole, body?: unknown) => {
    const session = role ? sessions.get(role) : undefined;
    return lavka.app.http.inject({
      method,
      url,
      headers: {
        ...(session ? { cookie: session.cookie } : {}),
        ...(session && method !== 'GET' ? { 'x-csrf-token': session.csrf } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  };

  before(async () => {
    lavka = await startTestLavka({ preset: 'shop', adminIds: [OWNER_TG], extraModules: [notesModule] });
    for (const [role, session] of await staffSessions(lavka, OWNER_TG)) sessions.set(role, session);
  });
  after(async () => {
    await lavka?.stop();
  });

  test('the panel lists the page for the roles the module allows, titled from the locale files, with its table', async () => {
    const me = (await inject('GET', '/api/admin/auth/me', 'owner')).json() as { pages: string[]; nav: { id: string; titles?: Record<string, string>; table?: { source: string; rows: string; columns: { key: string; titles: Record<string, string>; format: string }[] } }[] };
    const ids = me.nav.map((entry) => entry.id);
    assert.ok(ids.includes('notes'));
    // Declared order 65: after customers (60), before support (70) and payments (80).
    assert.ok(ids.indexOf('notes') === ids.indexOf('customers') + 1, ids.join(', '));
    const notes = me.nav.find((entry) => entry.id === 'notes');
    const i18n = lavka.app.i18n;
    assert.deepEqual(notes?.titles, { ru: i18n.t('ru', 'command-faq'), en: i18n.t('en', 'command-faq'), kk: i18n.t('kk', 'command-faq') });
    assert.notEqual(notes?.titles?.ru, notes?.titles?.en);
    assert.deepEqual(notes?.table?.source, '/api/notes');
    assert.deepEqual(notes?.table?.columns.map((column) => [column.key, column.format, column.titles.en]), [
      ['text', 'text', i18n.t('en', 'command-faq')],
      // A label with no message shows the field's name rather than nothing.
      ['createdAt', 'date', 'createdAt'],
    ]);
    assert.ok(me.pages.includes('notes'));

    const manager = (await inject('GET', '/api/admin/auth/me', 'manager')).json() as { pages: string[] };
    const support = (await inject('GET', '/api/admin/auth/me', 'support')).json() as { pages: string[] };
    assert.ok(manager.pages.includes('notes'));
    assert.ok(!support.pages.includes('notes'));
  });

  test('its command stores a note that its API route shows behind the access check; the route validates, is audited and documented', async () => {
    assert.equal((await inject('GET', '/api/notes')).statusCode, 401);
    assert.equal((await inject('GET', '/api/notes', 'support')).statusCode, 403);
    const customer = lavka.sim.user({ id: 6601, first_name: 'Aliya', language_code: 'ru' });
    await customer.send('/note позвоните после шести');
    await waitText(customer, lavka.app.i18n.t('ru', 'broadcasts-button-thanks'));
    const written = (await inject('GET', '/api/notes', 'manager')).json() as { notes: { userId: number; text: string }[] };
    assert.deepEqual(written.notes.map((note) => [note.userId, note.text]), [[6601, 'позвоните после шести']]);

    const bad = await inject('POST', '/api/notes', 'manager', { userId: 6601, text: '' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error, 'notes.invalid_request');
    assert.equal((await inject('GET', '/api/notes', 'manager')).json().notes.length, 1, 'a refused request stores nothing');

    const added = await inject('POST', '/api/notes', 'manager', { userId: 6601, text: 'prefers pickup' });
    assert.equal(added.statusCode, 201);
    assert.deepEqual((added.json() as { notes: { text: string }[] }).notes.map((note) => note.text), ['позвоните после шести', 'prefers pickup']);
    const audit = await lavka.app.services.audit?.list({ limit: 5 });
    assert.ok(audit?.some((entry) => entry.action === 'notes.POST /api/notes' && entry.subject_id === '6601'), JSON.stringify(audit?.map((entry) => entry.action)));

    const document = (await inject('GET', '/api/admin/openapi.json', 'support')).json() as { paths: Record<string, Record<string, unknown>> };
    assert.ok(document.paths['/api/notes']?.get && document.paths['/api/notes']?.post, Object.keys(document.paths).join(', '));
  });
});
