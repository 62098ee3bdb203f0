import { addDays } from './slots.ts';
import { type FreeSlot, type BookingCore } from './booking.core.ts';

/** Free times: slots of a service at a branch, the dates that have any, and how far ahead patients may book. */
export function createBookingAvailability(core: BookingCore) {
  const { settings, today, candidateDoctors, slotsByDoctor, mergeSlots, activeService } = core;
  const availability = {
    /** Free starts for a service at a branch, with a given doctor or any, between two local dates. */
    async freeSlots(query: { branchId: number; serviceId: number; doctorId?: number; fromDate: string; toDate: string }): Promise<FreeSlot[]> {
      const found = await activeService(query.serviceId);
      const doctors = await candidateDoctors(query.branchId, query.serviceId, query.doctorId);
      return mergeSlots(await slotsByDoctor(doctors, found, query.fromDate, query.toDate, true));
    },

    /** Local dates of a month (`YYYY-MM`) that have at least one free slot. */
    async datesWithSlots(query: { branchId: number; serviceId: number; doctorId?: number; month: string }): Promise<Set<string>> {
      const first = `${query.month}-01`;
      const last = addDays(addDays(first, 32).slice(0, 7) + '-01', -1);
      const slots = await availability.freeSlots({ ...query, fromDate: first, toDate: last });
      return new Set(slots.map((slot) => slot.date));
    },

    /** The first and last local dates patients may book now. */
    bookingWindow(): { firstDate: string; lastDate: string } {
      return { firstDate: today(), lastDate: addDays(today(), settings.horizonDays) };
    },

  };
  return availability;
}
