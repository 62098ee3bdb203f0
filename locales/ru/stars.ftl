# Продажа Telegram Stars.
command-stars = Купить Telegram Stars
command-my-stars = Мои заказы звёзд
command-stars-orders = Последние заказы звёзд
menu-stars = ⭐ Купить звёзды
menu-stars-my = 📦 Мои заказы

stars-home = ⭐ Telegram Stars для себя или друга.
    100 звёзд стоят { $price }. Выберите пакет:
stars-package-button = { $stars } ⭐ — { $price }
stars-custom-button = ✏️ Другое количество
stars-my-button = 📦 Мои заказы
stars-ask-amount = Сколько звёзд? От { $min } до { $max }.
stars-invalid-amount = Пришлите целое число от { $min } до { $max }.
stars-ask-recipient = { $stars } ⭐ за { $price }. Кому отправить? Пришлите @username.
stars-to-me = Мне ({ $username })
stars-invalid-recipient = Это не похоже на имя пользователя Telegram. Пришлите его как @username (5–32 латинских букв, цифр или _).
stars-order-created = Заказ { $id }: { $stars } ⭐ для { $recipient }, { $amount }.
    Оплатите в течение { $minutes } мин.
stars-pay-button = 💳 Оплатить { $amount }
stars-invoice-title = { $stars } Telegram Stars
stars-invoice-description = { $stars } Telegram Stars для { $recipient } (заказ { $id })
stars-my-title = 📦 Ваши заказы:
stars-my-empty = Заказов пока нет.
stars-order-line = { $id } · { $stars } ⭐ → { $recipient } · { $amount } · { $status }
stars-state-awaiting-payment = ждёт оплаты
stars-state-paid = оплачен
stars-state-delivering = отправляется
stars-state-delivered = доставлен
stars-state-failed = ошибка доставки
stars-state-refunded = возвращён
stars-state-expired = истёк
stars-status-paid = ✅ Заказ { $id } оплачен. { $stars } ⭐ скоро будут отправлены { $recipient }.
stars-status-delivering = 🚚 Заказ { $id }: отправляем { $stars } ⭐ для { $recipient }.
stars-status-delivered = 🎉 Заказ { $id }: { $stars } ⭐ доставлены { $recipient }.
stars-status-failed = ⚠️ Заказ { $id }: доставка не удалась. Мы повторим её или вернём деньги — от вас ничего не требуется.
stars-status-refunded = ↩️ Деньги за заказ { $id } возвращены.
stars-status-expired = ⌛ Заказ { $id } не был оплачен вовремя и закрыт. Новый заказ можно оформить в любой момент.
stars-staff-deliver = ⭐ Доставьте заказ { $id }: { $stars } звёзд для { $recipient } (оплачено { $amount }).
stars-staff-delivered = ✅ Доставлено
stars-staff-failed = ❌ Не удалось
stars-staff-retry = 🔁 Повторить
stars-staff-failed-reason = отмечено администратором как неудачное
stars-staff-delivery-failed = ⚠️ Заказ { $id } не доставлен: { $reason }. Повторите доставку или верните платёж №{ $payment } командой /refund.
stars-staff-already = Заказ { $id } уже в другом статусе.
stars-staff-orders = Последние заказы:
stars-error-already_delivered = Звёзды уже доставлены — этот заказ нельзя вернуть.

# Заказы звёзд среди заказов: строка заказа, карточка клиента, карточка для персонала, /stats.
stars-payment-subject = Заказ { $number } · { $stars } ⭐ → { $recipient }
stars-order-line-title = { $stars } ⭐ → { $recipient }
stars-detail = ⭐ Заказ { $number } — { $status }
    { $stars } ⭐ → { $recipient }
    Сумма: { $amount }
    Оформлен: { $at }
stars-back-to-orders = ⬅️ Мои заказы
stars-card-title = ⭐ Заказ { $number } — { $status }
stars-card-customer = Клиент: { $customer }
stars-card-stars = { $stars } ⭐ → { $recipient }
stars-card-amount = Сумма: { $amount }
stars-card-method = Оплата: { $method }
stars-card-placed = Оформлен: { $at }
stars-stats-title = ⭐ Telegram Stars за { $days } дней:
stars-stats-sold = • продано: { $stars } ⭐ в { $orders ->
    [one] { $orders } заказе
   *[other] { $orders } заказах
  }
stars-stats-revenue = • выручка: { $revenue }
stars-stats-status = • { $status }: { $count }
