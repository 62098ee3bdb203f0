# Support tickets.
tickets-menu = 💬 Support
tickets-command = Write to the clinic
tickets-home = 💬 Support. Ask us anything: the clinic's staff will answer here in the bot.
tickets-button-new = ✍️ Write to the clinic
tickets-button-faq = ❓ Questions and answers
tickets-button-open = Open the request
tickets-button-reply = ✍️ Reply
tickets-button-close = ✅ Close
tickets-back = « Support
tickets-write-prompt = Describe your question in one message. Send /cancel to stop.
tickets-reply-prompt = Write your message for request №{ $id }:
tickets-text-only = Please write in text.
tickets-created = ✅ Request №{ $id } sent. We will answer here in the bot.
tickets-sent = ✅ Added to request №{ $id }.
tickets-thread-title = Request №{ $id } · { $status }
tickets-status-open = waiting for an answer
tickets-status-answered = answered
tickets-status-closed = closed
tickets-author-you = You
tickets-author-staff = Clinic
tickets-reply-received =
    💬 Reply to your request №{ $id }:

    { $text }
tickets-closed-toast = Closed
tickets-closed-by-staff = Request №{ $id } is closed. If you have more questions, write to us again.
tickets-error-empty = The message is empty.
tickets-error-too-long = That is too long; please make it shorter.
tickets-error-closed = This request is closed.
tickets-error-not-found = This request was not found.
tickets-staff-new =
    New request from { $who }:

    { $text }

    Reply to this message to answer the patient.
tickets-staff-more =
    { $who } writes again:

    { $text }
tickets-staff-closed = { $who } closed the request.
tickets-staff-button-close = ✅ Close the request
tickets-staff-sent = ✅ The answer to request №{ $id } has been sent to the patient.
