# Custom orders from 3D models (module custom-orders, preset print3d).
co-menu-new-order = 🖨 New print order
co-menu-my-orders = 📦 My orders
co-menu-subscribe = 🔔 Notifications
co-command-new-order = Order a print from your 3D model
co-command-subscribe = Choose which order updates you get

co-status-new = New
co-status-quoted = Price offered
co-status-awaiting_payment = Awaiting payment
co-status-paid = Paid
co-status-printing = Printing
co-status-post_processing = Post-processing
co-status-ready = Ready
co-status-shipped = Shipped
co-status-done = Done
co-status-cancelled = Cancelled
co-status-refunded = Cancelled, money returned

co-accepted-formats = Accepted: { $formats } files up to { $mb } MB, sent as a file (document).
co-flow-send-files = Send your 3D model as a file. You can send several files for one order (up to { $max }). Send /cancel to stop.
co-flow-expect-file = Please send the model as a file (📎 → File).
co-flow-send-as-file = That is a photo. Please send the 3D model itself as a file (📎 → File).
co-flow-file-accepted = ✅ { $name } is measured:
co-flow-file-open-warning = ⚠️ The mesh is not closed (it has holes). We will check whether it can be printed as it is.
co-flow-more-files = Send another file for this order, or continue.
co-flow-files-done = Continue ▶ ({ $count ->
    [one] 1 file
   *[other] { $count } files
})
co-flow-too-many-files = One order holds at most { $max } files. Continue with these, or start another order for the rest.
co-flow-cancel = ✖ Cancel
co-flow-cancelled = The order was cancelled. Nothing was saved.
co-flow-choose-technology = How should we print it?
co-flow-choose-material = { $technology }: choose the material.
co-flow-choose-colour = { $material }: choose the colour. Only colours in stock are shown.
co-flow-choose-infill = Choose the infill: more infill makes the part stronger, heavier and dearer.
co-flow-infill-recommended = { $percent } % ⭐
co-flow-choose-quantity = How many copies? Press a button or type a number up to { $max }.
co-flow-quantity-invalid = Please type a whole number from 1 to { $max }.
co-flow-ask-comment = Anything we should know (orientation, finish, tolerances)? Type a comment or skip.
co-flow-comment-text = Please type it as text.
co-flow-ask-deadline = Do you need it by a date? Type it as DD.MM.YYYY, or skip.
co-flow-deadline-invalid = I could not read that date. Type a date from today on, e.g. 25.12.2026, or skip.
co-flow-skip = Skip ▶
co-flow-use-buttons = Please use the buttons above, or /cancel.
co-flow-files-gone = The files of this order are no longer available. Please start again with /new_order.
co-flow-choice-unavailable = That material or colour is no longer available. Please choose again.

co-measure-size = { $x } × { $y } × { $z } mm
co-measure-volume = { $volume } cm³
co-measure-area = surface { $area } cm²
co-measure-triangles = { $count ->
    [one] 1 triangle
   *[other] { $count } triangles
}
co-measure-closed = closed mesh ✓
co-measure-open = not closed ⚠️ ({ $edges } open edges)
co-infill-value = { $percent } % infill
co-quantity-value = × { $quantity }

co-quote-title = 💰 Quote
co-quote-line = { $index }) { $name }: { $mass } g — material { $material }, machine { $minutes } min { $machine }; per copy { $unit }
co-quote-items = Parts × { $quantity }: { $items }
co-quote-discount = Quantity discount { $percent } %: −{ $discount }
co-quote-setup = Setup fee: { $fee }
co-quote-minimum = Up to the minimum order: { $surcharge }
co-quote-total = Total: { $total }
co-quote-estimate = Material { $mass } g, printing time about { $time }.
co-price = Price: { $total }
co-price-pending = Price: to be set by the studio
co-summary-title = 🧾 Your order
co-summary-confirm-hint = Confirm to place the order and pay, or ask the studio for a manual quote.
co-summary-too-large = ⚠️ The model is larger than our printers' build volume. The studio can split it or quote it by hand: ask for a manual quote.
co-summary-confirm = ✅ Confirm and pay
co-summary-manual = ✍️ Ask for a manual quote
co-deadline-line = Needed by: { $date }
co-comment-line = Comment: { $comment }
co-note-line = Note from the studio: { $note }
co-placed-at = Placed: { $at }
co-line-title = 3D print: { $job }
co-line-rounding = Rounding of the price over the copies

co-placed = Order { $number } is placed.
co-placed-manual = Order { $number } is sent to the studio. We will send you the price shortly.
co-invoice-title = Order { $number }
co-invoice-description = { $choice }, { $files ->
    [one] 1 file
   *[other] { $files } files
}
co-paid = ✅ Payment received, thank you! Order { $number } goes to print.
co-paid-unexpected = Payment received for order { $number }. The order changed in the meantime, so the studio will contact you.

co-pay-choose = { $price }. How would you like to pay?
co-pay-unavailable = Online payment is not available right now. Please try again a little later from the order.
co-price-accepted-heading = Price of order { $number } accepted.
co-detail-title = Order { $number } — { $status }
co-history = History:
co-open-order = Open the order
co-back-to-list = « My orders
co-accept-price = ✅ Accept the price
co-pay-button = 💳 Pay
co-cancel-order = ✖ Cancel the order
co-cancelled-by-you = The order is cancelled.
co-price-accepted = Price accepted.
co-quote-outdated = The price has changed since. Here is the current one.
co-action-not-possible = This is not possible for the order in its current state.

co-subscribe-title = Which order updates should I send you? Press to turn one on or off. New prices and cancellations are always sent.
co-subscribe-on = Notifications on: { $status }
co-subscribe-off = Notifications off: { $status }
co-subscribe-news = 📣 Receive news and offers again
co-subscribe-news-done = Done: you will receive our news and offers again.

co-notify-paid = Order { $number } is marked as paid.
co-notify-printing = 🖨 Order { $number } is printing.
co-notify-post_processing = 🧽 Order { $number } is in post-processing.
co-notify-ready = 📦 Order { $number } is ready.
co-notify-shipped = 🚚 Order { $number } is shipped.
co-notify-done = ✅ Order { $number } is done. Thank you!
co-notify-cancelled = Order { $number } was cancelled by the studio.
co-notify-refunded = ↩️ Order { $number } was cancelled by the studio, and your payment of { $amount } is returned.
co-notify-new-price = The studio set the price of order { $number }. Please accept it to pay.
co-notify-message = 💬 Message from the studio about order { $number }:

co-error-model-empty = The file is empty. { $accepted }
co-error-model-truncated = The file is cut short (incomplete upload or export). Please export it again and resend. { $accepted }
co-error-model-not_a_model = This is not a 3D model (it looks like: { $kind }). { $accepted }
co-error-model-unsupported_format = I cannot read this file type. { $accepted }
co-error-model-corrupt = The model file is damaged and cannot be read. Please export it again. { $accepted }
co-error-model-no_geometry = The file contains no printable surfaces.
co-error-model-too_large = The file is larger than { $limitMb } MB, which a bot can download. Please simplify or compress the model (3MF is smaller). { $accepted }
co-error-model-too_many_triangles = The model has more than { $maxTriangles } triangles. Please reduce the mesh and resend.
co-error-model-too_complex = The model is too complex to analyse automatically. Please simplify it, or write to us.
co-error-download = I could not download the file from Telegram. Please send it again in a minute.

co-admin-only = This is for the studio's staff.
co-staff-new = 🆕 New print order
co-staff-new-manual = 🆕 New print order — needs a manual quote
co-staff-preview = { $number }: preview
co-staff-card-title = Order { $number } — { $status }
co-staff-customer = Customer: { $name } (id { $id })
co-staff-manual-quote = ⚠️ Needs a manual quote (the customer asked, or a model exceeds the build volume).
co-staff-payment = Paid online: payment #{ $id }
co-staff-open-mesh = ⚠️ A mesh is not closed: check it before printing.
co-staff-event-accepted = Order { $number }: the customer accepted the price and is paying.
co-staff-event-cancelled = Order { $number } was cancelled by the customer.
co-staff-event-paid = 💰 Order { $number } is paid: { $amount } (payment #{ $id }).
co-staff-event-payment_unexpected = ⚠️ A payment of { $amount } (payment #{ $id }) arrived for order { $number }, which is { $status } and no longer waits for one. Return it to the customer: /refund { $id }
co-staff-event-refund_refused = ⚠️ The refund of payment #{ $id } for order { $number } was refused by the payment provider. The order stays { $status }; return the money to the customer by hand.
co-action-paid = 💰 Mark paid
co-action-printing = 🖨 Printing
co-action-post_processing = 🧽 Post-processing
co-action-ready = 📦 Ready
co-action-shipped = 🚚 Shipped
co-action-done = ✅ Done
co-action-cancelled = ✖ Cancel
co-action-refunded = ↩️ Cancel and refund
co-action-quote = ✏️ Set price
co-action-message = 💬 Message the customer
co-status-set = { $number }: { $status }
co-status-stale = The order has moved on: it is now { $status }.
co-refund-pending = { $number }: cancelled; Telegram has not confirmed the refund yet, Lavka keeps trying.
co-refund-failed = { $number }: the payment provider refused the refund. Return the money by hand.
co-staff-ask-price = Send the new price of order { $number } in { $currency } (now { $current }), optionally followed by a note for the customer. /cancel to stop.
co-staff-price-invalid = Send a positive amount in { $currency }, e.g. 12500 or 12500 supports needed.
co-staff-price-set = Order { $number }: price { $price } sent to the customer for acceptance.
co-staff-price-locked = The price cannot change now: the order is { $status }.
co-staff-ask-message = Send the message for the customer of order { $number }. /cancel to stop.
co-staff-message-sent = Message to the customer of { $number } is sent.

co-stats-title = 📊 Print orders
co-stats-by-status = By status:
co-stats-none = No orders yet.
co-stats-period-today = Today
co-stats-period-7d = Last 7 days
co-stats-period-30d = Last 30 days
co-stats-period-line = Orders: { $orders }, paid: { $paid }, revenue: { $revenue }, received: { $received }
