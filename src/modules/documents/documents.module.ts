import { defineModule } from '../module.ts';
import type { DocumentsService } from './documents.service.ts';
import { documentsMigrations } from './documents.migrations.ts';

declare module '../module.ts' {
  interface ModuleServices {
    documents: DocumentsService;
  }
}

/**
 * Patient documents: appointment confirmations generated as PDF (Cyrillic and Kazakh through
 * an embedded font), certificates and lab results uploaded by staff, certificate requests.
 * Documents are reached by unguessable tokens and every download checks the owner. With the
 * clinic's ERP (`connectors.clinic`), the patient also gets the ERP's documents, certificates
 * it makes at once, and word when it has a new one.
 */
export const module = defineModule({
  name: 'documents',
  dependsOn: ['users', 'patients', 'booking'],
  after: ['clinic-erp'],
  migrations: documentsMigrations,
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupDocuments } = await import('./documents.setup.ts');
    return setupDocuments(deps);
  },
});
