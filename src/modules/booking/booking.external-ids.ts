import type { ExternallyKnownTable } from './booking.repository.ts';
import { BookingError, type BookingCore, type BookingErrorCode } from './booking.core.ts';

/** The booking records a back end may give its own id. */
export type ExternallyKnownRecord = 'branch' | 'service' | 'doctor' | 'appointment';

/** Where each record lives and how an unknown one is refused. */
const RECORDS: Readonly<Record<ExternallyKnownRecord, { table: ExternallyKnownTable; missing: BookingErrorCode }>> = {
  branch: { table: 'booking_branches', missing: 'booking.unknown_branch' },
  service: { table: 'booking_services', missing: 'booking.unknown_service' },
  doctor: { table: 'booking_doctors', missing: 'booking.unknown_doctor' },
  appointment: { table: 'booking_appointments', missing: 'booking.not_found' },
};

/**
 * The business's own ids (a clinic's ERP or MIS) on branches, services, doctors and visits:
 * one record per id in each kind, so a back end can address Lavka's records by its ids.
 */
export function createBookingExternalIds(core: BookingCore) {
  const { deps, repository } = core;
  const finders: Readonly<Record<ExternallyKnownRecord, (id: number) => Promise<{ external_id: string | null } | undefined>>> = {
    branch: repository.findBranch,
    service: repository.findService,
    doctor: repository.findDoctor,
    appointment: repository.findAppointment,
  };
  return {
    /**
     * Sets (or with null, clears) the business's own id of a record and returns the id it had;
     * `booking.external_id_taken` when another record of the kind has it, and nothing changes.
     */
    async setExternalId(record: ExternallyKnownRecord, id: number, externalId: string | null): Promise<{ previous: string | null }> {
      const { table, missing } = RECORDS[record];
      const found = await finders[record](id);
      if (!found) throw new BookingError(missing, `no ${record} ${id}`);
      if (!(await repository.setExternalId(table, id, externalId, deps.now()))) {
        throw new BookingError('booking.external_id_taken', `Another ${record} already has this external id.`, { externalId });
      }
      return { previous: found.external_id };
    },
  };
}
