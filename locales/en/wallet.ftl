# Wallet: tokens, packs, history and staff tools.
command-balance = Your token balance
command-buy = Buy tokens
command-pricing = Prices
command-history = Token history
command-adjust = Adjust a balance: /adjust <user id> <±amount> <reason>
command-wallet-users = Users and their balances
command-transactions = Export the ledger (transactions.csv)
command-health = Bot health and payments today
menu-wallet-balance = 💰 Balance
menu-wallet-buy = 🛒 Buy tokens
menu-wallet-history = 📜 History
menu-wallet-pricing = 🏷 Prices

wallet-balance = 💰 Your balance: { $balance } tokens.
wallet-balance-button = 💰 Balance
wallet-buy-button = 🛒 Buy tokens
wallet-history-button = 📜 History
wallet-buy-title = Choose a token pack:
wallet-pack-button = { $tokens } tokens — { $prices }
wallet-pack-title = { $tokens } tokens
wallet-pack-description = { $tokens } tokens for { $business }. They are credited to your balance right after the payment.
wallet-topped-up = ✅ +{ $tokens } tokens (payment #{ $id }). Balance: { $balance } tokens.
wallet-pricing-title = 🏷 Token packs:
wallet-pricing-buy = Buying: { $price } per token.
wallet-pricing-sell = Buy-back: { $price } per token.
wallet-history-title = 📜 Your token history:
wallet-history-empty = No token movements yet.
wallet-history-line = { $date } · { $amount } · { $kind } ({ $reason }) → { $balance }
wallet-kind-topup = top-up
wallet-kind-purchase = purchase
wallet-kind-spend = spent
wallet-kind-refund = refund
wallet-kind-bonus = bonus
wallet-kind-adjustment = adjustment
wallet-kind-reversal = reversal
wallet-segment-balance = Balance at least N tokens

wallet-adjust-usage = Usage: /adjust <user id> <±amount> <reason>, e.g. /adjust 123456789 +50 compensation
wallet-adjusted = Balance of { $user } changed by { $amount }. New balance: { $balance }.
wallet-adjusted-credit = ➕ { $amount } { $amount ->
        [one] token was
       *[other] tokens were
    } added to your balance.
    Reason: { $reason }
    Balance: { $balance }.
wallet-adjusted-debit = ➖ { $amount } { $amount ->
        [one] token was
       *[other] tokens were
    } taken from your balance.
    Reason: { $reason }
    Balance: { $balance }.
wallet-staff-users-title = Wallets: { $count }. Choose a user:
wallet-staff-users-empty = Nobody has a wallet yet.
wallet-staff-user-button = { $name } — { $balance }
wallet-staff-user-card = 👤 { $name } (id { $id })
    Balance: { $balance } tokens
wallet-staff-custom = ✏️ Custom amount
wallet-staff-back = « Users
wallet-staff-custom-ask = Send the amount and the reason for user { $user }, e.g. “+250 compensation” or “-30 correction”.
wallet-staff-quick-reason = quick adjustment by an administrator
wallet-export-usage = Usage: /transactions [from YYYY-MM-DD] [to YYYY-MM-DD] [user id]
wallet-export-caption = transactions.csv — { $rows } rows
wallet-health = 📊 Health
    Users: { $users }
    Wallets: { $accounts }, tokens in circulation: { $total }
    Paid today: { $paid }
    Requests waiting for approval: { $pending }
    Payment methods:
wallet-health-off = off
wallet-health-circuit-closed = working
wallet-health-circuit-open = ⛔ unavailable (circuit open)
wallet-health-circuit-half_open = ⚠️ probing after failures

wallet-error-insufficient_funds = Not enough tokens: the balance is { $balance }, { $required } needed.
wallet-error-invalid_amount = The amount must be a non-zero whole number.
wallet-error-already_reversed = This movement has already been reversed.
users-error-not_found = There is no user with this id: they have not written to the bot yet. Nothing was changed.
