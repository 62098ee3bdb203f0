# Broadcasts: the /broadcast composer, progress and the buttons under broadcast messages.
command-broadcast = Send a broadcast to your customers
broadcasts-admins-only = Only the bot's admins can send broadcasts.
broadcasts-private-only = Compose broadcasts in a private chat with the bot.
broadcasts-compose-prompt = 📣 New broadcast. Send me the message as your customers should see it: text with formatting, or a photo with a caption. /cancel stops.
broadcasts-compose-caption-needed = Add a caption to the photo: a broadcast photo needs text.
broadcasts-compose-unsupported = A broadcast can be a text or a photo with a caption. Please send one of those.
broadcasts-buttons-prompt =
    Add buttons? Send one per line:
    Label | https://link — a link button
    Label — a button whose presses are counted
broadcasts-button-no-buttons = No buttons
broadcasts-buttons-invalid = I could not read the buttons. One per line, at most 10: "Label | https://link" or just "Label".
broadcasts-audience-prompt = Who should receive it?
broadcasts-audience-everyone = 👥 Everyone
broadcasts-audience-language = 🌐 By language
broadcasts-audience-tag = 🏷 By tag
broadcasts-audience-ids = 🔢 A list of ids
broadcasts-audience-not = Not: { $segment }
broadcasts-audience-language-prompt = Which language?
broadcasts-audience-tag-prompt = Send the tags, separated by spaces or commas.
broadcasts-audience-ids-prompt = Send the Telegram ids of the recipients, separated by spaces, commas or new lines.
broadcasts-audience-ids-invalid = Those are not Telegram ids. Send numbers separated by spaces or commas.
broadcasts-audience-param-days = Send the number of days.
broadcasts-audience-param-amount = Send the amount.
broadcasts-audience-param-text = Send the value (up to 100 characters).
broadcasts-audience-param-number = Please send a whole number.
broadcasts-audience-empty = Nobody matches this audience (blocked and unsubscribed users are left out). Choose another one.
broadcasts-audience-language-is = language: { $languages }
broadcasts-audience-tag-is = tags: { $tags }
broadcasts-audience-ids-are = a list of { $count } ids
broadcasts-preview-title = 👁 Preview — this is what recipients will see:
broadcasts-preview-failed = Telegram did not accept the message: { $details }. Change it and try again.
broadcasts-confirm =
    Broadcast #{ $id } is ready.
    Audience: { $audience } — { $size } recipients.
    Send it now or schedule it?
broadcasts-confirm-use-buttons = Use the buttons above: send now, schedule, or discard.
broadcasts-button-send-now = 🚀 Send now
broadcasts-button-schedule = 🕒 Schedule
broadcasts-button-unsubscribe-on = 🔕 "Unsubscribe" button: on
broadcasts-button-unsubscribe-off = 🔕 "Unsubscribe" button: off
broadcasts-button-paid-on = ⭐ Paid fast sending: on
broadcasts-button-paid-off = ⭐ Paid fast sending: off
broadcasts-button-preview = 👁 Preview again
broadcasts-button-discard = ✖ Discard
broadcasts-schedule-prompt = When should it go out? Send a time in { $timeZone }: "2025-12-31 18:00", "31.12 18:00" or just "18:00".
broadcasts-schedule-invalid = I could not read that time. Examples: "2025-12-31 18:00", "31.12 18:00", "18:00" ({ $timeZone }).
broadcasts-scheduled = 🕒 Broadcast #{ $id } is scheduled for { $at } ({ $timeZone }).
broadcasts-started = 🚀 Broadcast #{ $id } is being sent to { $count } recipients. Progress follows.
broadcasts-discarded = The broadcast was discarded.
broadcasts-status-draft = 📝 Broadcast #{ $id }: draft
broadcasts-status-scheduled = 🕒 Broadcast #{ $id }: scheduled
broadcasts-status-sending = 📣 Broadcast #{ $id }: sending
broadcasts-status-paused = ⏸ Broadcast #{ $id }: paused
broadcasts-status-done = ✅ Broadcast #{ $id }: finished
broadcasts-status-cancelled = ✖ Broadcast #{ $id }: cancelled
broadcasts-progress = Sent: { $sent } · blocked the bot: { $blocked } · failed: { $failed } · remaining: { $remaining } of { $total }
broadcasts-eta = Time left: about { $eta }
broadcasts-button-pause = ⏸ Pause
broadcasts-button-resume = ▶ Resume
broadcasts-button-cancel = ✖ Cancel
broadcasts-pause-done = Paused.
broadcasts-resume-done = Resumed.
broadcasts-cancel-done = Cancelled. Messages already sent stay delivered.
broadcasts-error-invalid = The broadcast is not valid: { $details }
broadcasts-error-wrong-status = This broadcast can no longer be changed that way.
broadcasts-error-past-time = That time has already passed. Send a time in the future.
broadcasts-error-far-time = Broadcasts can be scheduled up to a year ahead.
broadcasts-error-unknown-segment = That audience is no longer available. Choose another one.
broadcasts-unsubscribe-button = 🔕 Unsubscribe
broadcasts-unsubscribed = You will not receive broadcasts any more. Send /subscribe to get them again.
broadcasts-resubscribed = You will receive broadcasts again.
broadcasts-button-thanks = Thank you!
broadcasts-report = 📣 Broadcasts finished: { $count }, delivered { $delivered } messages
