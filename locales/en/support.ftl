# Contact and support.
menu-support = 💬 Contact us
command-support = Contact us
support-title = 💬 How to reach us:
support-telegram = Telegram: { $username }
support-phone = Phone: { $phone }
support-email = E-mail: { $email }
support-write = ✍️ Write to us here
support-open-chat = Open a chat with support
support-write-prompt = Write your message (text, a photo or a file) and I will pass it to our team. /cancel to stop.
support-sent = ✅ Sent! Our team will get back to you.
support-unsupported = Please send text, a photo or a file.
support-too-long = That is too long: at most { $max } characters, please.
support-staff-header = ✉️ Message from { $name } ({ $username }, id { $id }):
support-reply-received =
    💬 Our team replied:

    { $text }
support-closed-by-staff = We have closed your question. If you need anything else, just write to us again.
support-write-again = ✍️ Reply
