# Base texts every Lavka bot uses.
start-welcome = Hello, { $name }! Welcome to { $business }.
menu-title = { $business } — main menu. What would you like to do?
menu-language = 🌐 Language
menu-back-to-main = « Main menu
menu-outdated = This menu is out of date. Here is a fresh one.
help-title = Here is what I can do:
cancel-done = Cancelled. Nothing was changed.
cancel-nothing = There is nothing to cancel.
language-choose = Choose your language:
language-changed = Language set to English.
fallback-unknown = I did not understand that. Send /start for the menu or /help for the list of commands.
error-generic = Something went wrong on our side. Please try again in a moment.
error-unavailable = The service is briefly unavailable. Please try again in a minute.
flow-expired = This form was updated while you were filling it in. Please start again; nothing was lost.
pager-page = { $page }/{ $pages }
command-start = Main menu
command-help = What this bot can do
command-language = Change the language
command-cancel = Cancel the current action
payment-unknown-invoice = This invoice is no longer valid. Nothing was charged.
payment-unclaimed = We received your payment and passed it to our staff; they will contact you shortly.
flood-slow-down = Please slow down: you are sending messages faster than I can answer them. I will answer again in { $seconds } { $seconds ->
    [one] second
   *[other] seconds
    }.
bot-description = { $business } in Telegram: browse, order, pay and follow your orders here. Press Start to begin.
bot-short-description = { $business }: orders, payments and support in Telegram.
