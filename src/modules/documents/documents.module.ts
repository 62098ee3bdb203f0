import { defineModule } from '../module.ts';
import { staffChatLocales } from '../users/users.locales.ts';
import { createDocumentsComposer } from './documents.bot.ts';
import { createDocumentsRoutes } from './documents.routes.ts';
import { createDocumentsService, documentsSettingsSchema, type DocumentsService } from './documents.service.ts';
import { staffChatIds as configuredStaffChats } from '../../delivery/staff-chats.ts';

declare module '../module.ts' {
  interface ModuleServices {
    documents: DocumentsService;
  }
}

/**
 * Patient documents: appointment confirmations generated as PDF (Cyrillic and Kazakh through
 * an embedded font), certificates and lab results uploaded by staff, certificate requests.
 * Documents are reached by unguessable tokens and every download checks the owner.
 */
export const module = defineModule({
  name: 'documents',
  dependsOn: ['users', 'patients', 'booking'],
  migrations: [
    {
      name: '0001_documents',
      async up(db, { col, dialect }) {
        await col
          .id(db.schema.createTable('document_requests'))
          .addColumn('patient_id', 'bigint', (c) => c.notNull())
          .addColumn('kind', 'varchar(16)', (c) => c.notNull())
          .addColumn('comment', 'varchar(500)')
          .addColumn('status', 'varchar(16)', (c) => c.notNull())
          .addColumn('document_id', 'bigint')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('document_requests_status_idx').on('document_requests').columns(['status', 'created_at']).execute();
        await col
          .id(db.schema.createTable('documents'))
          .addColumn('token', 'varchar(32)', (c) => c.notNull().unique())
          .addColumn('patient_id', 'bigint', (c) => c.notNull())
          .addColumn('kind', 'varchar(16)', (c) => c.notNull())
          .addColumn('title', 'varchar(200)', (c) => c.notNull())
          .addColumn('appointment_id', 'bigint')
          .addColumn('request_id', 'bigint')
          .addColumn('file_name', 'varchar(120)', (c) => c.notNull())
          .addColumn('mime_type', 'varchar(64)', (c) => c.notNull())
          .addColumn('content', dialect === 'postgres' ? 'bytea' : 'blob')
          .addColumn('size_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('telegram_file_id', 'varchar(256)')
          .addColumn('dedupe_key', 'varchar(64)', (c) => c.unique())
          .addColumn('uploaded_by', 'varchar(64)')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('documents_patient_idx').on('documents').columns(['patient_id', 'created_at']).execute();
      },
    },
  ],
  setup(deps) {
    const { users, patients, booking } = deps.services;
    if (!users || !patients || !booking) throw new Error('the documents module needs the users, patients and booking modules');
    const settings = documentsSettingsSchema.parse(deps.config.settings.documents);
    const { business } = deps.config;
    const staffChatIds = () => configuredStaffChats(deps.config, deps.env.ADMIN_IDS);
    const documents = createDocumentsService({
      db: deps.database.db,
      now: deps.now,
      timeZone: () => business.timeZone,
      businessName: business.name,
      settings,
      i18n: deps.i18n,
      booking,
      patients,
      localeOf: async (userId) => users.localeOf(await users.get(userId), business.defaultLocale),
      // Each staff member reads alerts in their own language; a staff group in the clinic's.
      staffChats: (executor) => staffChatLocales(executor, staffChatIds(), business.defaultLocale),
      staffLocale: business.defaultLocale,
    });
    // Every booking gets its confirmation document, in the same transaction.
    booking.onAppointmentChange(async (trx, change) => {
      if (change.event === 'booked') await documents.addConfirmation(trx, change.appointment, change.locale);
    });
    const bot = createDocumentsComposer({
      documents,
      certificateKinds: settings.certificateKinds,
      isRegistered: async (userId) => (await patients.get(userId)) !== undefined,
      staffChatIds,
      timeZone: () => business.timeZone,
    });
    return {
      service: documents,
      composer: bot.composer,
      flows: bot.flows,
      commands: [{ command: 'documents', description: 'documents-command' }],
      routes: createDocumentsRoutes({ documents, maxUploadMegabytes: settings.maxUploadMegabytes }),
      staffRoles: ['manager', 'support'],
    };
  },
});
