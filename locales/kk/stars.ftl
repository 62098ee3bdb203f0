# Telegram Stars сату.
command-stars = Telegram Stars сатып алу
command-my-stars = Жұлдыз тапсырыстарым
command-stars-orders = Соңғы жұлдыз тапсырыстары
menu-stars = ⭐ Жұлдыз сатып алу
menu-stars-my = 📦 Тапсырыстарым

stars-home = ⭐ Өзіңізге немесе досыңызға Telegram Stars.
    100 жұлдыз { $price } тұрады. Пакетті таңдаңыз:
stars-package-button = { $stars } ⭐ — { $price }
stars-custom-button = ✏️ Басқа мөлшер
stars-my-button = 📦 Тапсырыстарым
stars-ask-amount = Қанша жұлдыз? { $min }-ден { $max }-ге дейін.
stars-invalid-amount = { $min }-ден { $max }-ге дейінгі бүтін санды жіберіңіз.
stars-ask-recipient = { $price } бағасына { $stars } ⭐. Кімге жіберейік? @username жіберіңіз.
stars-to-me = Маған ({ $username })
stars-invalid-recipient = Бұл Telegram пайдаланушы атына ұқсамайды. Оны @username түрінде жіберіңіз (5–32 латын әрпі, сан немесе _).
stars-order-created = { $id } тапсырыс: { $recipient } үшін { $stars } ⭐, { $amount }.
    { $minutes } мин ішінде төлеңіз.
stars-pay-button = 💳 { $amount } төлеу
stars-invoice-title = { $stars } Telegram Stars
stars-invoice-description = { $recipient } үшін { $stars } Telegram Stars ({ $id } тапсырыс)
stars-my-title = 📦 Тапсырыстарыңыз:
stars-my-empty = Әзірге тапсырыс жоқ.
stars-order-line = { $id } · { $stars } ⭐ → { $recipient } · { $amount } · { $status }
stars-state-awaiting-payment = төлем күтуде
stars-state-paid = төленді
stars-state-delivering = жіберілуде
stars-state-delivered = жеткізілді
stars-state-failed = жеткізу қатесі
stars-state-refunded = қайтарылды
stars-state-expired = мерзімі өтті
stars-status-paid = ✅ { $id } тапсырыс төленді. { $stars } ⭐ жақында { $recipient } адресатына жіберіледі.
stars-status-delivering = 🚚 { $id } тапсырыс: { $recipient } үшін { $stars } ⭐ жіберіп жатырмыз.
stars-status-delivered = 🎉 { $id } тапсырыс: { $stars } ⭐ { $recipient } адресатына жеткізілді.
stars-status-failed = ⚠️ { $id } тапсырыс: жеткізу сәтсіз аяқталды. Қайталаймыз немесе ақшаңызды қайтарамыз — сізден ештеңе талап етілмейді.
stars-status-refunded = ↩️ { $id } тапсырыстың ақшасы қайтарылды.
stars-status-expired = ⌛ { $id } тапсырыс уақытында төленбей, жабылды. Жаңа тапсырысты кез келген уақытта беруге болады.
stars-staff-deliver = ⭐ { $id } тапсырысты жеткізіңіз: { $recipient } үшін { $stars } жұлдыз ({ $amount } төленді).
stars-staff-delivered = ✅ Жеткізілді
stars-staff-failed = ❌ Сәтсіз
stars-staff-retry = 🔁 Қайталау
stars-staff-failed-reason = әкімші сәтсіз деп белгіледі
stars-staff-delivery-failed = ⚠️ { $id } тапсырыс жеткізілмеді: { $reason }. Жеткізуді қайталаңыз немесе №{ $payment } төлемді /refund арқылы қайтарыңыз.
stars-staff-already = { $id } тапсырыстың күйі өзгеріп қойған.
stars-staff-orders = Соңғы тапсырыстар:
stars-error-already_delivered = Жұлдыздар жеткізіліп қойған — бұл тапсырысты қайтаруға болмайды.

# Жұлдыз тапсырыстары тапсырыстар арасында: тапсырыс жолы, клиент картасы, қызметкер картасы, /stats.
stars-payment-subject = { $number } тапсырыс · { $stars } ⭐ → { $recipient }
stars-order-line-title = { $stars } ⭐ → { $recipient }
stars-detail = ⭐ { $number } тапсырыс — { $status }
    { $stars } ⭐ → { $recipient }
    Сомасы: { $amount }
    Рәсімделді: { $at }
stars-back-to-orders = ⬅️ Менің тапсырыстарым
stars-card-title = ⭐ { $number } тапсырыс — { $status }
stars-card-customer = Клиент: { $customer }
stars-card-stars = { $stars } ⭐ → { $recipient }
stars-card-amount = Сомасы: { $amount }
stars-card-method = Төлем: { $method }
stars-card-placed = Рәсімделді: { $at }
stars-stats-title = ⭐ Telegram Stars, соңғы { $days } күн:
stars-stats-sold = • сатылды: { $orders } тапсырыста { $stars } ⭐
stars-stats-revenue = • түсім: { $revenue }
stars-stats-status = • { $status }: { $count }
