# The admin panel's texts in the bot: /admin and /login.
command-admin = Open the admin panel
command-login = Log in to the admin panel
admin-link = 🔐 Your one-time login link to the admin panel ({ $role }):

    { $url }

    It works once and only for { $minutes } min. Do not forward it: whoever opens it is logged in as you.
admin-link-button = Open the admin panel
admin-not-staff = The admin panel is for the business's staff only. If you work here, ask the owner to add your Telegram id { $id } in the panel.
admin-private-only = For your safety, login links are sent only in a private chat with the bot. Write /admin to me directly.
admin-rate-limited = You have asked for too many login links. Please wait a few minutes and try again.
admin-role-owner = owner
admin-role-manager = manager
admin-role-support = support
admin-role-accountant = accountant
