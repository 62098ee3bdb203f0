# Booking: branches, services, doctors, the calendar, my appointments, reminders.
booking-menu-book = 🗓 Book a visit
booking-menu-my = 📋 My appointments
booking-command-book = Book a visit
booking-command-appointments = My appointments
booking-command-visits = Visits of the day (staff)
booking-need-registration = To book a visit, please register first: it takes a minute.
booking-no-branches = Online booking is not open yet. Please call the clinic.
booking-choose-branch = 🏥 Choose a branch:
booking-choose-service =
    🏥 { $branch }

    Choose a service:
booking-service-button = { $service } · { $minutes } min · { $price }
booking-choose-doctor =
    🩺 { $service }

    Choose a doctor:
booking-any-doctor = 👥 Any available doctor
booking-any-doctor-short = any available doctor
booking-choice = 🩺 { $service } · 👩‍⚕️ { $doctor }
booking-choose-date = Choose a day (only days with free time can be pressed):
booking-month-full = There is no free time this month. Try the next one.
# The calendar's weekday headers, Monday first, separated by spaces: two letters fit a seven-button row.
booking-calendar-weekdays = Mo Tu We Th Fr Sa Su
booking-no-slots-that-day = No free time that day.
booking-choose-time =
    🗓 { $day }

    Choose a time:
booking-day-full =
    🗓 { $day }

    There is no free time left that day.
booking-other-day = 🗓 Another day
booking-back = « Back
booking-confirm =
    Please check your booking:

    🏥 { $branch }, { $address }
    🩺 { $service }
    👩‍⚕️ { $doctor }
    🕐 { $time }
    💳 { $price }
booking-button-confirm = ✅ Confirm
booking-booked = ✅ You are booked!
booking-booked-toast = Booked
booking-details =
    🩺 { $service } (№{ $id })
    👩‍⚕️ { $doctor }, { $specialty }
    🏥 { $branch }, { $address }
    🕐 { $time }
    💳 { $price }
booking-slot-taken = 😔 Sorry, someone has just booked this time.
booking-slot-unavailable = This time can no longer be booked.
booking-alternatives = The nearest free times:
booking-button-pay = 💳 Pay for the visit
booking-my = 📋 My appointments
booking-new = ➕ Book another visit
booking-past = 🕘 Past visits
booking-upcoming = 📋 Upcoming visits
booking-my-title = 📋 Your upcoming visits:
booking-my-empty = You have no upcoming visits.
booking-past-title = 🕘 Your past visits:
booking-past-empty = No past visits yet.
booking-status-line = Status: { $status }
booking-status-booked = booked
booking-status-completed = visit completed
booking-status-no-show = missed
booking-status-cancelled = cancelled
booking-you-confirmed = ✅ You confirmed that you will come.
booking-paid-in-full = 💳 Paid in full.
booking-to-pay = 💳 To pay: { $amount }
booking-button-reschedule = 🔁 Reschedule
booking-button-cancel = ❌ Cancel
booking-button-cancel-yes = Yes, cancel the visit
booking-button-keep = No, keep it
booking-cancel-ask =
    Cancel this visit?

    🩺 { $service }
    👩‍⚕️ { $doctor }
    🕐 { $time }
booking-cancelled = ❌ The visit is cancelled; its time is free for others.
booking-cancelled-toast = Cancelled
booking-too-late = It is too late to change this visit online (less than { $hours } h before it). Please call the clinic.
booking-not-active = This visit can no longer be changed.
booking-button-will-come = ✅ I'll come
booking-confirmed-toast = Thank you! See you soon.
booking-button-open = Open the visit
booking-reschedule-title =
    🔁 Reschedule: { $service }, { $doctor }
    Now: { $time }
booking-reschedule-confirm =
    Move your visit?

    🩺 { $service }
    👩‍⚕️ { $doctor }
    From: { $time }
    To: { $new }
booking-rescheduled = 🔁 Your visit has been moved.
booking-rescheduled-toast = Moved
booking-reminder =
    ⏰ Reminder of your visit
    🕐 { $time }
    🩺 { $service }
    👩‍⚕️ { $doctor }
    🏥 { $branch }, { $address }

    Will you come?
booking-cancelled-by-clinic = ❌ The clinic has cancelled your visit: { $service }, { $time }. We are sorry; please book another time or write to us.
booking-moved-by-clinic = 🔁 The clinic has moved your visit: { $service } with { $doctor } is now { $time } (it was { $previous }), { $branch }. If the new time does not suit you, you can change or cancel it under “My appointments”.
booking-staff-booked =
    🆕 New booking №{ $id }: { $patient }
    { $service } · { $doctor }
    { $branch }
    { $time }
booking-staff-rescheduled =
    🔁 Booking №{ $id } moved: { $patient }
    { $service } · { $doctor }
    was { $previous }, now { $time }
booking-staff-cancelled =
    ❌ Booking №{ $id } cancelled by the patient: { $patient }
    { $service } · { $doctor }
    { $time }
booking-staff-confirmed = ✅ { $patient } confirmed visit №{ $id }: { $service } · { $doctor }, { $time }
booking-pay-title = Visit №{ $id }
booking-pay-description = { $service }, { $doctor }, { $time }
booking-paid = ✅ Payment received for visit №{ $id }. Thank you!
booking-balance-button = 💰 Balance
booking-balance-title = 💰 Your account with the clinic
booking-balance-empty = No visits yet.
booking-balance-line =
    Balance: { $balance }
    Paid: { $paid }
    Completed visits cost: { $charged }
    Still to pay for booked and completed visits: { $due }
booking-visits-title = 🗓 Visits on { $day }:
booking-visits-empty = No visits.
booking-visit-completed = Marked as completed
booking-visit-no-show = Marked as missed
booking-segment-branch = Patients of a branch (its number or name)
booking-segment-service = Patients of a service (its number or name)
booking-segment-not-visited = Patients who have not visited for N months
booking-report-day = Visits: { $booked } booked, { $completed } completed, { $noShow } missed

# Staff /stats and /export.
booking-stats-title = 🩺 Appointments from { $since } on, upcoming ones included:
booking-stats-total = • in total: { $count }
booking-stats-status = • { $status }: { $count }
booking-stats-no-shows = • no-shows: { $count } of { $finished } past visits ({ $rate })
booking-stats-new-patients = • new patients: { $count }
booking-stats-revenue-title = Paid for visits, by doctor:
booking-stats-revenue-doctor = • { $doctor }: { $amount } ({ $count ->
    [one] { $count } visit
   *[other] { $count } visits
  })
booking-stats-revenue-none = • nothing yet
booking-export-sheet = Appointments
booking-export-caption = Appointments: { $count } (period: { $period }, status: { $status })
booking-export-col-id = No.
booking-export-col-visit = Visit
booking-export-col-status = Status
booking-export-col-patient = Patient
booking-export-col-user_id = Telegram ID
booking-export-col-phone = Phone
booking-export-col-doctor = Doctor
booking-export-col-service = Service
booking-export-col-branch = Branch
booking-export-col-price = Price
booking-export-col-paid = Paid
booking-export-col-currency = Currency
booking-account-title = 💰 Your account with the clinic, as the clinic's system keeps it
booking-account-balance = Balance: { $balance }
booking-account-owed = To pay: { $amount }
booking-account-settled = Nothing is owed.
booking-account-pay-button = 💳 Pay { $amount }
booking-account-amount-changed = The amount to pay has changed: here are the clinic's current figures.
booking-account-invoice-description = Payment of the balance owed to the clinic
booking-account-invoice = 🧾 Invoice { $id } for { $amount }. Scan the QR code in your banking app or open the link, then press "Check payment".
booking-account-invoice-no-link = 🧾 Invoice { $id } for { $amount } is issued. It can be paid at the clinic's front desk; then press "Check payment".
booking-account-open-link = 🔗 Open the payment
booking-account-check = 🔄 Check payment
booking-account-check-pending = The payment has not arrived yet. If you have paid, check again in a minute.
booking-account-check-paid = ✅ Paid
booking-account-already-paid = This invoice is already paid.
booking-account-invoice-paid = ✅ Invoice { $id } for { $amount } is paid. Thank you!
