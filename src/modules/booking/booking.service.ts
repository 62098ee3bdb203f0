import { toMinor } from '../../config/money.ts';
import { addDays } from './slots.ts';
import { bookingDemoSchema, createBookingCore, type AppointmentHook, type BookingServiceDeps } from './booking.core.ts';

import { createBookingAppointments } from './booking.appointments.ts';
import { createBookingAvailability } from './booking.availability.ts';
import { createBookingDirectory } from './booking.directory.ts';
import { createBookingExternalIds } from './booking.external-ids.ts';
import { createBookingMoves } from './booking.moves.ts';
import { createBookingQueries } from './booking.queries.ts';

export { BookingError, CLAIM_CELL_MS, REMINDER_JOB, claimCells, type AppointmentView, type BookingMessages, type FreeSlot } from './booking.core.ts';
/**
 * Branches, services, doctors and their schedules; free slots; booking, rescheduling and
 * cancelling with the database refusing double bookings; reminders through the scheduler;
 * visits completed or missed; the patient's balance.
 */
export function createBookingService(deps: BookingServiceDeps) {
  const core = createBookingCore(deps);
  const { repository, hooks, today, describe } = core;
  const service = {
    describe,

    /** Registers a hook run inside the transaction of every appointment change. */
    onAppointmentChange(hook: AppointmentHook): void {
      hooks.push(hook);
    },

    ...createBookingDirectory(core),
    ...createBookingAvailability(core),
    ...createBookingAppointments(core),
    ...createBookingMoves(core),
    ...createBookingQueries(core),
    ...createBookingExternalIds(core),

    // ── segments ───────────────────────────────────────────────────────────────────────────
    patientIdsOfBranch: (branchId: number) => repository.patientIds({ branchId }),
    patientIdsOfService: (serviceId: number) => repository.patientIds({ serviceId }),
    /** Patients whose last completed visit was more than `months` months ago (and nothing booked). */
    patientIdsNotVisitedFor(months: number): Promise<number[]> {
      return repository.patientIdsNotVisitedSince(deps.now() - months * 30 * 86_400_000);
    },

    // ── demo ───────────────────────────────────────────────────────────────────────────────
    /** Seeds the preset's branches, services, doctors and schedules into an empty directory. */
    async seed(data: unknown): Promise<boolean> {
      if ((await repository.countBranches()) > 0) return false;
      const demo = bookingDemoSchema.parse(data);
      const branchIds = new Map<string, number>();
      for (const [index, branch] of demo.branches.entries()) {
        branchIds.set(branch.key, (await service.createBranch({ title: branch.title, address: branch.address, phone: branch.phone ?? null, position: index })).id);
      }
      const serviceIds = new Map<string, number>();
      for (const [index, item] of demo.services.entries()) {
        const created = await service.createService({ title: item.title, durationMinutes: item.durationMinutes, priceMinor: toMinor(item.price, deps.currency), position: index });
        serviceIds.set(item.key, created.id);
      }
      const seededOn = today();
      for (const [index, doctor] of demo.doctors.entries()) {
        const branchId = branchIds.get(doctor.branch);
        if (branchId === undefined) throw new Error(`demo.booking: doctor ${JSON.stringify(doctor.name)} names unknown branch ${doctor.branch}`);
        const ids = doctor.services.map((key) => {
          const id = serviceIds.get(key);
          if (id === undefined) throw new Error(`demo.booking: unknown service ${key}`);
          return id;
        });
        const created = await service.createDoctor({ branchId, name: doctor.name, specialty: doctor.specialty, serviceIds: ids, position: index });
        await service.setSchedule(created.id, {
          rules: doctor.schedule.flatMap((block) => block.days.map((weekday) => ({ weekday, start: block.start, end: block.end, breaks: block.breaks }))),
        });
        for (const exception of doctor.exceptions) {
          await service.addException(created.id, { date: addDays(seededOn, exception.inDays), kind: exception.kind, start: exception.start, end: exception.end, note: exception.note });
        }
      }
      return true;
    },
  };
  return service;
}

/** The booking service's shape. */
export type BookingService = ReturnType<typeof createBookingService>;
