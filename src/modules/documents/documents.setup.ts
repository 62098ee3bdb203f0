import type { ModuleDeps, ModuleInstance } from '../module.ts';
import { staffChatLocales } from '../users/users.locales.ts';
import { createDocumentsComposer } from './documents.bot.ts';
import { createDocumentsRoutes } from './documents.routes.ts';
import { createDocumentsService, documentsSettingsSchema } from './documents.service.ts';
import { staffChatIds as configuredStaffChats } from '../../delivery/staff-chats.ts';
import { createErpDocumentsBackend } from './connectors/documents.erp.ts';

/** Sets the documents module up; loaded only when a deployment runs it (see documents.module.ts). */
export function setupDocuments(deps: ModuleDeps<'users' | 'patients' | 'booking', 'clinic-erp'>): ModuleInstance {
  const { users, patients, booking } = deps.services;
  if (!users || !patients || !booking) throw new Error('the documents module needs the users, patients and booking modules');
  const settings = documentsSettingsSchema.parse(deps.config.settings.documents);
  const { business } = deps.config;
  const staffChatIds = () => configuredStaffChats(deps.config, deps.env.ADMIN_IDS);
  const erp = deps.services['clinic-erp'];
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
    ...(erp ? { backend: createErpDocumentsBackend({ client: erp.client, generatedTypes: settings.clinicDocumentTypes, now: deps.now }) } : {}),
  });
  // A lab result (or any document) the ERP has ready: its patient is told once, with a button to get it.
  erp?.onChange('document.ready', async (change) => {
    if (change.document_id === undefined || change.telegram_user_id === undefined) {
      deps.logger.warn({ change: change.id }, 'a document.ready change of the clinic ERP without its document or patient');
      return;
    }
    await documents.announceClinicDocument({ documentId: change.document_id, patientId: change.telegram_user_id, title: change.title });
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
}
