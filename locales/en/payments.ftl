# Payments: methods, invoices, transfers, refunds.
command-paysupport = Help with payments and refunds
command-pending = Transfer requests waiting for approval
command-refund = Refund a payment: /refund <number>

payments-method-stars = ⭐ Telegram Stars
payments-method-card = 💳 Bank card
payments-method-heleket = 🪙 Crypto (Heleket)
payments-method-qr = 📱 QR payment
payments-method-manual = 🏦 Bank transfer
payments-method-paused = ⏸ { $method } — temporarily unavailable
payments-provider-telegram_stars = Telegram Stars
payments-provider-telegram_card = card payments
payments-provider-heleket = Heleket
payments-provider-qr = QR payments
payments-provider-manual = manual transfers

payments-choose-method = { $title }
    Price: { $price }

    Choose how to pay:
payments-no-methods = No payment method is available right now. Please try again a little later.
payments-not-payable = This can no longer be paid for. Please start again from the menu.
payments-method-unavailable = { $method } is temporarily unavailable. Please choose another method.
payments-invoice-sent = Invoice #{ $id } for { $amount } is below. It is valid for { $minutes } min.
payments-invoice-failed = ⚠️ The invoice could not be sent, so there is nothing to pay yet and nothing was charged. Try again or choose another method.
payments-link = Payment #{ $id }: { $amount }.
    Pay with crypto through Heleket using the button below. The bot confirms the payment automatically.
payments-open-link = 🔗 Pay { $amount }
payments-check = 🔄 I have paid — check
payments-check-pending = Not paid yet. If you have just paid, give it a minute: the confirmation comes automatically.
payments-check-paid = ✅ The payment is confirmed.
payments-qr = Payment #{ $id }: { $amount }.
    Scan the QR code below in your bank app. Reference: { $reference }
    The payment is confirmed automatically or by an administrator.
payments-qr-caption = { $amount } · { $reference }
payments-qr-failed = ⚠️ The QR code could not be sent, so there is nothing to scan yet and nothing was charged. Try again or choose another method.
payments-qr-receiver = Receiver: { $receiver }
payments-manual = Transfer request #{ $id }: { $amount }

    { $requisites }

    After paying, send a photo of the receipt here. /cancel to stop.
payments-receipt-expected = Please send a photo of the receipt (or /cancel).
payments-receipt-received = Receipt received. Request #{ $id } is waiting for an administrator; you will get a message as soon as it is decided.
payments-paid = ✅ Payment #{ $id } received: { $amount }.
payments-received-processing = Payment received. It is being processed; you will get a message shortly.
payments-received-unmatched = Payment received, but we could not match it to an order. Support has been notified and will contact you.
payments-declined = ❌ Transfer request #{ $id } ({ $amount }) was declined.
    Reason: { $reason }
payments-refunded = ↩️ Payment #{ $id } ({ $amount }) was refunded.
payments-wrong-amount = ⚠️ The amount received for payment #{ $id } does not match the invoice. An administrator will contact you.
payments-paysupport = Questions about a payment or a refund? Contact us: { $contacts }
    Please include the payment number.
payments-paysupport-here = Questions about a payment or a refund? Write here and include the payment number; an administrator will answer.

payments-precheckout-not_found = This invoice is no longer valid. Please start again from the menu.
payments-precheckout-already_handled = This invoice has already been paid or closed.
payments-precheckout-expired = This invoice has expired. Please start again from the menu.
payments-precheckout-price_changed = The price has changed. Please open the invoice again.
payments-precheckout-stars_not_allowed = Telegram Stars pay only for digital goods and services. Please choose another payment method.
payments-precheckout-not_payable = This item is no longer available.
payments-precheckout-timeout = We could not check the order in time. Please try again.

payments-approve = ✅ Approve
payments-decline = ❌ Decline
payments-approved-admin = ✅ Request #{ $id } approved.
payments-already-handled = This request was already decided by another administrator.
payments-decline-ask = Why is request #{ $id } declined? Write the reason; the customer will see it.
payments-declined-admin = ❌ Request #{ $id } declined. The customer has been told.
payments-pending-title = Requests waiting for a decision: { $count }
payments-pending-empty = No requests are waiting.
payments-pending-item = #{ $id } · { $amount } · { $method } · user { $user }
payments-refund-usage = Usage: /refund <payment number>
payments-refund-done-telegram = ↩️ Payment #{ $id } ({ $amount }) refunded through Telegram.
payments-refund-done-manual = ↩️ Refund of payment #{ $id } recorded. Return { $amount } to the customer through { $provider } yourself.
payments-refund-refused = Refund refused: { $reason }
payments-refund-retrying = Telegram has not confirmed the refund of payment #{ $id } yet; Lavka will keep trying.
payments-not-found = Payment #{ $id } was not found.

payments-staff-receipt-card = 🧾 Transfer request #{ $id }: approve it once the money has arrived.
payments-staff-receipt = 🧾 Transfer request #{ $id }
    User: { $user }
    Amount: { $amount }
    Method: { $method }
    For: { $title }
payments-staff-amount-mismatch = ⚠️ Payment #{ $id } ({ $provider }): received { $received }, expected { $expected }. Nothing was credited.
payments-staff-unknown-charge = ⚠️ A { $provider } payment { $charge } arrived that matches no order. Check it and refund if needed.
payments-staff-paid-after-decline = ⚠️ Payment #{ $id } was confirmed by the provider after it had been declined. Nothing was credited; please check.
payments-staff-event-failed = ⚠️ Payment event #{ $id } could not be processed after { $attempts } attempts: { $error }
payments-staff-wrong-amount = ⚠️ Payment #{ $id } ({ $provider }) was paid with a wrong amount. Nothing was credited; contact the customer.
payments-staff-refund-failed = ⚠️ { $provider } could not return payment #{ $id } ({ $amount }): the money is still in your { $provider } account. Check the refund there.
payments-staff-refund-not-reversed = ⚠️ Payment #{ $id } ({ $amount }) was returned through { $provider }, but what it paid for could not be taken back: { $reason }. Settle it with the customer.

payments-error-unexpected = Something went wrong. Please try again.
payments-error-not_found = This payment or request was not found.
payments-error-already_handled = This request has already been decided.
payments-error-not_refundable = This payment cannot be refunded in its current state ({ $status }).
payments-error-refund_failed = The refund failed: { $code }
payments-error-not_payable = This can no longer be paid for.
payments-error-stars_not_allowed = Telegram Stars pay only for digital goods and services: please choose another way to pay.
payments-error-invalid_input = Please check the input.
payments-error-gateway_unavailable = The payment service is unavailable right now.
