# Business hours, shown with the contacts (the week, and whether the business is open now).
hours-title = 🕘 Opening hours:
hours-day = { $days }: { $intervals }
hours-closed = closed
hours-open-until-today = 🟢 Open now, until { $time }
hours-open-until-tomorrow = 🟢 Open now, until { $time } tomorrow
hours-open-until-day = 🟢 Open now, until { $day } { $time }
hours-open-always = 🟢 Open around the clock
hours-closed-opens-today = 🔴 Closed now, opens today at { $time }
hours-closed-opens-tomorrow = 🔴 Closed now, opens tomorrow at { $time }
hours-closed-opens-day = 🔴 Closed now, opens { $day } at { $time }
hours-closed-now = 🔴 Closed now
hours-note-only = 🕘 Hours: { $note }
# Said when a customer writes while the business is closed.
hours-answer-today = We are closed now and will answer after we open today at { $time }.
hours-answer-tomorrow = We are closed now and will answer after we open tomorrow at { $time }.
hours-answer-day = We are closed now and will answer after we open on { $day } at { $time }.
