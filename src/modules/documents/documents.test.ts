import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clinicClock, startClinicServices, type ClinicServices } from '../../../test/support/clinic.ts';
import { readPdf } from '../../../test/support/pdf-reader.ts';
import { testDialects, type TestDatabase } from '../../../test/support/services.ts';
import { pickLocalised } from '../booking/booking.settings.ts';
import { localToEpochMs } from '../booking/slots.ts';
import { DocumentsError, newDocumentToken } from './documents.service.ts';

const OWNER = 300;
const STRANGER = 301;

for (const dialect of await testDialects()) {
  describe(`documents on ${dialect.name}`, () => {
    let target: TestDatabase;
    let clinic: ClinicServices;
    let appointmentId = 0;
    const clock = clinicClock();

    before(async () => {
      target = await dialect.create();
      clinic = await startClinicServices(target, { now: clock.now, adminIds: [7000] });
      await clinic.addPatient(OWNER, { locale: 'kk', name: 'Нұрланова Әлия' });
      await clinic.addPatient(STRANGER);
      const { booking } = clinic.services;
      const branch = (await booking.listBranches())[0]!;
      const service = (await booking.servicesAtBranch(branch.id)).find((item) => pickLocalised(item.title, 'en') === 'General practitioner')!;
      const appointment = await booking.book({ patientId: OWNER, branchId: branch.id, serviceId: service.id, startMs: localToEpochMs('2026-03-10', 10 * 60, 'Asia/Almaty'), locale: 'kk' });
      appointmentId = appointment.id;
    });
    after(async () => {
      await clinic?.close();
    });

    test('booking adds a confirmation whose PDF names the patient and the visit in Kazakh', async () => {
      const [confirmation] = await clinic.services.documents.listForPatient(OWNER);
      assert.equal(confirmation?.kind, 'confirmation');
      assert.equal(confirmation?.appointment_id, appointmentId);
      assert.match(confirmation?.token ?? '', /^[A-Za-z0-9_-]{22}$/);
      const file = await clinic.services.documents.download(confirmation!.token, OWNER, 'kk');
      assert.ok('bytes' in file);
      const text = (await readPdf(file.bytes)).pages[0]!.join('\n');
      assert.match(text, /Қабылдауға жазылуды растау №\d+/);
      assert.match(text, /Нұрланова Әлия/);
      assert.match(text, /Терапевт кеңесі/);
      assert.match(text, /10:00/);
    });

    test('another patient can never download the document, and a guessed token looks the same as a missing one', async () => {
      const [confirmation] = await clinic.services.documents.listForPatient(OWNER);
      const refused = (error: unknown) => error instanceof DocumentsError && error.code === 'documents.not_found';
      await assert.rejects(clinic.services.documents.download(confirmation!.token, STRANGER, 'ru'), refused);
      await assert.rejects(clinic.services.documents.download(newDocumentToken(), OWNER, 'ru'), refused);
      await assert.rejects(clinic.services.documents.download(`${confirmation!.token.slice(0, 21)}x`, OWNER, 'ru'), refused);
      await assert.rejects(clinic.services.documents.download('../../etc/passwd', OWNER, 'ru'), refused);
      assert.deepEqual(await clinic.services.documents.listForPatient(STRANGER), []);
    });

    test('a certificate request notifies the staff; the uploaded answer reaches only its patient, bytes intact', async () => {
      const { documents } = clinic.services;
      const request = await documents.requestCertificate(OWNER, 'sport', 'бассейн, 2026');
      const notice = await clinic.database.db.selectFrom('outbox').select(['chat_id', 'payload']).where('dedupe_key', '=', `documents:request:${request.id}:staff:7000`).executeTakeFirst();
      assert.ok(notice);
      assert.match(JSON.parse(notice.payload).text as string, new RegExp(`^📄 #R${request.id} `));
      const pdf = new TextEncoder().encode('%PDF-1.4\n% a certificate\n%%EOF\n');
      const uploaded = await documents.upload({ patientId: OWNER, kind: 'certificate', title: 'Анықтама', fileName: '../cert.pdf', mimeType: 'application/pdf', requestId: request.id, content: pdf });
      assert.equal(uploaded.file_name, '_cert.pdf');
      assert.equal((await documents.getRequest(request.id))?.status, 'done');
      const file = await documents.download(uploaded.token, OWNER, 'kk');
      assert.ok('bytes' in file);
      assert.deepEqual([...file.bytes], [...pdf]);
      await assert.rejects(documents.download(uploaded.token, STRANGER, 'ru'), DocumentsError);
      // A file that is not what it claims to be is refused.
      await assert.rejects(
        documents.upload({ patientId: OWNER, kind: 'lab_result', title: 'x', fileName: 'x.pdf', mimeType: 'application/pdf', content: new TextEncoder().encode('MZ not a pdf') }),
        (error) => error instanceof DocumentsError && error.code === 'documents.wrong_type',
      );
    });
  });
}
