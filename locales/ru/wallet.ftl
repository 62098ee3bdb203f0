# Кошелёк: токены, пакеты, история и инструменты персонала.
command-balance = Ваш баланс токенов
command-buy = Купить токены
command-pricing = Цены
command-history = История токенов
command-adjust = Изменить баланс: /adjust <id> <±сумма> <причина>
command-wallet-users = Пользователи и их балансы
command-transactions = Выгрузить журнал (transactions.csv)
command-health = Состояние бота и платежи за сегодня
menu-wallet-balance = 💰 Баланс
menu-wallet-buy = 🛒 Купить токены
menu-wallet-history = 📜 История
menu-wallet-pricing = 🏷 Цены

wallet-balance = 💰 Ваш баланс: { $balance } токенов.
wallet-balance-button = 💰 Баланс
wallet-buy-button = 🛒 Купить токены
wallet-history-button = 📜 История
wallet-buy-title = Выберите пакет токенов:
wallet-pack-button = { $tokens } токенов — { $prices }
wallet-pack-title = { $tokens } токенов
wallet-pack-description = { $tokens } токенов для { $business }. Зачисляются на баланс сразу после оплаты.
wallet-topped-up = ✅ +{ $tokens } токенов (платёж №{ $id }). Баланс: { $balance } токенов.
wallet-pricing-title = 🏷 Пакеты токенов:
wallet-pricing-buy = Покупка: { $price } за токен.
wallet-pricing-sell = Обратный выкуп: { $price } за токен.
wallet-history-title = 📜 История ваших токенов:
wallet-history-empty = Движений токенов пока нет.
wallet-history-line = { $date } · { $amount } · { $kind } ({ $reason }) → { $balance }
wallet-kind-topup = пополнение
wallet-kind-purchase = покупка
wallet-kind-spend = списание
wallet-kind-refund = возврат
wallet-kind-bonus = бонус
wallet-kind-adjustment = корректировка
wallet-kind-reversal = сторно
wallet-segment-balance = Баланс не меньше N токенов

wallet-adjust-usage = Использование: /adjust <id пользователя> <±сумма> <причина>, например /adjust 123456789 +50 компенсация
wallet-adjusted = Баланс { $user } изменён на { $amount }. Новый баланс: { $balance }.
wallet-adjusted-credit = ➕ Вам начислено токенов: { $amount }.
    Причина: { $reason }
    Баланс: { $balance }.
wallet-adjusted-debit = ➖ С вашего баланса списано токенов: { $amount }.
    Причина: { $reason }
    Баланс: { $balance }.
wallet-staff-users-title = Кошельков: { $count }. Выберите пользователя:
wallet-staff-users-empty = Кошельков пока нет.
wallet-staff-user-button = { $name } — { $balance }
wallet-staff-user-card = 👤 { $name } (id { $id })
    Баланс: { $balance } токенов
wallet-staff-custom = ✏️ Другая сумма
wallet-staff-back = « Пользователи
wallet-staff-custom-ask = Пришлите сумму и причину для пользователя { $user }, например «+250 компенсация» или «-30 исправление».
wallet-staff-quick-reason = быстрая корректировка администратором
wallet-export-usage = Использование: /transactions [с ГГГГ-ММ-ДД] [по ГГГГ-ММ-ДД] [id пользователя]
wallet-export-caption = transactions.csv — строк: { $rows }
wallet-health = 📊 Состояние
    Пользователей: { $users }
    Кошельков: { $accounts }, токенов в обороте: { $total }
    Оплачено сегодня: { $paid }
    Заявок ждут проверки: { $pending }
    Способы оплаты:
wallet-health-off = выключен
wallet-health-circuit-closed = работает
wallet-health-circuit-open = ⛔ недоступен (предохранитель разомкнут)
wallet-health-circuit-half_open = ⚠️ проверка после сбоев

wallet-error-insufficient_funds = Недостаточно токенов: на балансе { $balance }, нужно { $required }.
wallet-error-invalid_amount = Сумма должна быть ненулевым целым числом.
wallet-error-already_reversed = Это движение уже сторнировано.
users-error-not_found = Пользователя с таким id нет: он ещё не писал боту. Ничего не изменено.
