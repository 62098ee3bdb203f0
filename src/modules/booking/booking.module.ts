import { defineModule } from '../module.ts';
import type { BookingService } from './booking.service.ts';
import { bookingMigrations } from './booking.migrations.ts';

declare module '../module.ts' {
  interface ModuleServices {
    booking: BookingService;
  }
}

/**
 * Booking for a clinic with several branches: the directory (branches, services, doctors,
 * weekly schedules with breaks, days off and one-off exceptions), free slots in the clinic's
 * time zone, booking with the database refusing double bookings, reschedule and cancel within
 * a cut-off, reminders with "I'll come" / "Cancel", visit payments, and the staff calendar.
 */
export const module = defineModule({
  name: 'booking',
  // Its page in the admin panel; staff see it when the module's routes allow their role.
  panel: [{ id: 'bookings', label: 'nav.bookings', icon: 'calendar', group: 'business', order: 40 }],
  // The clinic's directory and schedules; appointments are the simulated patients'.
  goLive: {
    keep: [
      { table: 'booking_branches' },
      { table: 'booking_services' },
      { table: 'booking_doctors' },
      { table: 'booking_doctor_services' },
      { table: 'booking_schedule_rules' },
      { table: 'booking_exceptions' },
    ],
  },
  dependsOn: ['users', 'patients', 'payments', 'reports'],
  // With the clinic's ERP (connectors.clinic), the schedule is kept there.
  after: ['clinic-erp'],
  migrations: bookingMigrations,
  // The module's code is loaded only when a deployment runs it: its declaration and
  // migrations are all every start needs.
  async setup(deps) {
    const { setupBooking } = await import('./booking.setup.ts');
    return setupBooking(deps);
  },
});
