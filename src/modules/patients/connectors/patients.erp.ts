/**
 * Patients kept in the clinic's ERP (`connectors.clinic`): the IIN is checked there too, and
 * every registration or change is written there first (upsert by Telegram id, so a retry
 * after a time-out changes nothing twice).
 */
import { createHash } from 'node:crypto';
import type { Locale } from '../../../config/business.ts';
import type { ClinicErpClient } from '../../clinic-erp/clinic-erp.client.ts';
import { erpIinAnswer, erpPatient, erpUpsertAnswer } from '../../clinic-erp/clinic-erp.contract.ts';
import { ClinicErpError } from '../../clinic-erp/clinic-erp.errors.ts';
import type { PatientDetails, PatientsBackend } from './patients.backend.ts';

/** Splits "Surname Name Patronymic", the order patients in Kazakhstan and Russia write. */
export function nameParts(fullName: string): { last_name: string; first_name: string; middle_name: string } {
  const words = fullName.trim().split(/\s+/);
  if (words.length === 1) return { last_name: '', first_name: words[0] ?? '', middle_name: '' };
  return { last_name: words[0] ?? '', first_name: words[1] ?? '', middle_name: words.slice(2).join(' ') };
}

/** The ERP as the clinic's record of patients. */
export function createErpPatientsBackend(deps: { client: ClinicErpClient; localeOf(userId: number): Promise<Locale>; usernameOf(userId: number): Promise<string | undefined> }): PatientsBackend {
  return {
    async verifyIin(iin) {
      const answer = await deps.client.call('patientVerifyIin', { method: 'POST', body: { iin }, answer: erpIinAnswer });
      return { valid: answer.valid, ...(answer.error ? { reason: answer.error } : {}) };
    },
    async save(userId, patient: PatientDetails) {
      const answer = await deps.client.call('patientUpsert', {
        method: 'POST',
        body: {
          telegram_user_id: userId,
          telegram_username: (await deps.usernameOf(userId)) ?? '',
          ...nameParts(patient.fullName),
          full_name: patient.fullName,
          phone: patient.phone,
          birth_date: patient.birthDate,
          sex: patient.sex,
          iin: patient.iin,
          language: await deps.localeOf(userId),
        },
        // The same details give the same key: a retry is recognised, a later change is not mistaken for one.
        idempotencyKey: `lavka-patient-${userId}-${createHash('sha256').update(JSON.stringify(patient)).digest('hex').slice(0, 24)}`,
        answer: erpUpsertAnswer,
      });
      return { externalId: answer.patient_id };
    },
    async find(userId) {
      try {
        const found = await deps.client.call('patientByTelegram', { id: userId, answer: erpPatient });
        if (!found.full_name || !found.phone || !found.birth_date || !found.iin) return undefined;
        return { externalId: found.patient_id, fullName: found.full_name, phone: found.phone, birthDate: found.birth_date, iin: found.iin };
      } catch (error) {
        // Not known there, or the ERP cannot say now: the patient registers as anyone would.
        if (error instanceof ClinicErpError) return undefined;
        throw error;
      }
    },
  };
}
