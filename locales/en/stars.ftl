# Telegram Stars reseller.
command-stars = Buy Telegram Stars
command-my-stars = My Stars orders
command-stars-orders = Recent Stars orders
menu-stars = ⭐ Buy Stars
menu-stars-my = 📦 My orders

stars-home = ⭐ Telegram Stars for you or a friend.
    100 Stars cost { $price }. Choose a package:
stars-package-button = { $stars } ⭐ — { $price }
stars-custom-button = ✏️ Another amount
stars-my-button = 📦 My orders
stars-ask-amount = How many Stars? From { $min } to { $max }.
stars-invalid-amount = Please send a whole number from { $min } to { $max }.
stars-ask-recipient = { $stars } ⭐ for { $price }. Who gets them? Send the @username.
stars-to-me = To me ({ $username })
stars-invalid-recipient = That does not look like a Telegram username. Send it as @username (5–32 letters, digits or _).
stars-order-created = Order { $id }: { $stars } ⭐ for { $recipient }, { $amount }.
    Pay within { $minutes } min.
stars-pay-button = 💳 Pay { $amount }
stars-invoice-title = { $stars } Telegram Stars
stars-invoice-description = { $stars } Telegram Stars for { $recipient } (order { $id })
stars-my-title = 📦 Your orders:
stars-my-empty = No orders yet.
stars-order-line = { $id } · { $stars } ⭐ → { $recipient } · { $amount } · { $status }
stars-state-awaiting-payment = awaiting payment
stars-state-paid = paid
stars-state-delivering = delivering
stars-state-delivered = delivered
stars-state-failed = delivery failed
stars-state-refunded = refunded
stars-state-expired = expired
stars-status-paid = ✅ Order { $id } is paid. { $stars } ⭐ will be sent to { $recipient } shortly.
stars-status-delivering = 🚚 Order { $id }: sending { $stars } ⭐ to { $recipient }.
stars-status-delivered = 🎉 Order { $id }: { $stars } ⭐ delivered to { $recipient }.
stars-status-failed = ⚠️ Order { $id }: the delivery failed. We will retry or refund you; no action is needed from you.
stars-status-refunded = ↩️ Order { $id } was refunded.
stars-status-expired = ⌛ Order { $id } was not paid in time and has been closed. You can place a new one at any time.
stars-staff-deliver = ⭐ Deliver order { $id }: { $stars } Stars to { $recipient } (paid { $amount }).
stars-staff-delivered = ✅ Delivered
stars-staff-failed = ❌ Failed
stars-staff-retry = 🔁 Retry
stars-staff-failed-reason = marked as failed by an administrator
stars-staff-delivery-failed = ⚠️ Order { $id } could not be delivered: { $reason }. Retry it, or refund payment #{ $payment } with /refund.
stars-staff-already = Order { $id } has already moved on.
stars-staff-orders = Recent orders:
stars-error-already_delivered = The Stars have already been delivered; this order cannot be refunded.

# Stars orders among the orders: the order line, the customer's card, the staff card, /stats.
stars-payment-subject = Order { $number } · { $stars } ⭐ → { $recipient }
stars-order-line-title = { $stars } ⭐ → { $recipient }
stars-detail = ⭐ Order { $number } — { $status }
    { $stars } ⭐ → { $recipient }
    Amount: { $amount }
    Placed: { $at }
stars-back-to-orders = ⬅️ My orders
stars-card-title = ⭐ Order { $number } — { $status }
stars-card-customer = Customer: { $customer }
stars-card-stars = { $stars } ⭐ → { $recipient }
stars-card-amount = Amount: { $amount }
stars-card-method = Payment: { $method }
stars-card-placed = Placed: { $at }
stars-stats-title = ⭐ Telegram Stars, last { $days } days:
stars-stats-sold = • sold: { $stars } ⭐ in { $orders ->
    [one] { $orders } order
   *[other] { $orders } orders
  }
stars-stats-revenue = • revenue: { $revenue }
stars-stats-status = • { $status }: { $count }
