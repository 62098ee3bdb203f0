# Channel subscription gate.
gate-required = To use this bot, please join our channels first:
gate-join = ➕ Join { $title }
gate-check-again = 🔄 Check again
gate-still-missing = You have not joined every channel yet.
gate-thanks = Thank you for subscribing!
