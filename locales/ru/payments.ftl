# Платежи: способы оплаты, счета, переводы, возвраты.
command-paysupport = Помощь с оплатой и возвратами
command-pending = Заявки на перевод, ждущие проверки
command-refund = Вернуть платёж: /refund <номер>

payments-method-stars = ⭐ Telegram Stars
payments-method-card = 💳 Банковская карта
payments-method-heleket = 🪙 Криптовалюта (Heleket)
payments-method-qr = 📱 Оплата по QR
payments-method-manual = 🏦 Банковский перевод
payments-method-paused = ⏸ { $method } — временно недоступно
payments-provider-telegram_stars = Telegram Stars
payments-provider-telegram_card = платёжного провайдера карт
payments-provider-heleket = Heleket
payments-provider-qr = QR-оплату
payments-provider-manual = ручной перевод

payments-choose-method = { $title }
    Цена: { $price }

    Выберите способ оплаты:
payments-no-methods = Сейчас нет доступных способов оплаты. Попробуйте чуть позже.
payments-not-payable = Это больше нельзя оплатить. Начните заново из меню.
payments-method-unavailable = { $method } временно недоступен. Выберите другой способ.
payments-invoice-sent = Счёт №{ $id } на { $amount } — ниже. Он действует { $minutes } мин.
payments-invoice-failed = ⚠️ Не удалось отправить счёт, поэтому платить пока нечего и ничего не списано. Попробуйте ещё раз или выберите другой способ.
payments-link = Платёж №{ $id }: { $amount }.
    Оплатите криптовалютой через Heleket по кнопке ниже. Бот подтвердит оплату автоматически.
payments-open-link = 🔗 Оплатить { $amount }
payments-check = 🔄 Я оплатил — проверить
payments-check-pending = Оплата ещё не поступила. Если вы только что оплатили, подождите минуту: подтверждение придёт само.
payments-check-paid = ✅ Оплата подтверждена.
payments-qr = Платёж №{ $id }: { $amount }.
    Отсканируйте QR-код ниже в приложении банка. Назначение: { $reference }
    Оплата подтверждается автоматически или администратором.
payments-qr-caption = { $amount } · { $reference }
payments-qr-failed = ⚠️ Не удалось отправить QR-код, поэтому сканировать пока нечего и ничего не списано. Попробуйте ещё раз или выберите другой способ.
payments-qr-receiver = Получатель: { $receiver }
payments-manual = Заявка на перевод №{ $id }: { $amount }

    { $requisites }

    После оплаты пришлите сюда фото чека. /cancel — отменить.
payments-receipt-expected = Пришлите, пожалуйста, фото чека (или /cancel).
payments-receipt-received = Чек получен. Заявка №{ $id } ждёт проверки администратором — мы напишем, как только решение будет принято.
payments-paid = ✅ Платёж №{ $id } получен: { $amount }.
payments-received-processing = Оплата получена и обрабатывается — скоро пришлём сообщение.
payments-received-unmatched = Оплата получена, но мы не смогли сопоставить её с заказом. Поддержка уже в курсе и свяжется с вами.
payments-declined = ❌ Заявка на перевод №{ $id } ({ $amount }) отклонена.
    Причина: { $reason }
payments-refunded = ↩️ Платёж №{ $id } ({ $amount }) возвращён.
payments-wrong-amount = ⚠️ Сумма, поступившая по платежу №{ $id }, не совпадает со счётом. Администратор свяжется с вами.
payments-paysupport = Вопросы об оплате или возврате? Напишите нам: { $contacts }
    Укажите номер платежа.
payments-paysupport-here = Вопросы об оплате или возврате? Напишите сюда и укажите номер платежа — администратор ответит.

payments-precheckout-not_found = Этот счёт больше не действует. Начните заново из меню.
payments-precheckout-already_handled = Этот счёт уже оплачен или закрыт.
payments-precheckout-expired = Срок действия счёта истёк. Начните заново из меню.
payments-precheckout-price_changed = Цена изменилась. Откройте счёт заново.
payments-precheckout-stars_not_allowed = Telegram Stars принимаются только за цифровые товары и услуги. Выберите другой способ оплаты.
payments-precheckout-not_payable = Этот товар больше недоступен.
payments-precheckout-timeout = Не удалось вовремя проверить заказ. Попробуйте ещё раз.

payments-approve = ✅ Подтвердить
payments-decline = ❌ Отклонить
payments-approved-admin = ✅ Заявка №{ $id } подтверждена.
payments-already-handled = По этой заявке уже принял решение другой администратор.
payments-decline-ask = Почему заявка №{ $id } отклонена? Напишите причину — её увидит клиент.
payments-declined-admin = ❌ Заявка №{ $id } отклонена. Клиент уведомлён.
payments-pending-title = Заявок ждут решения: { $count }
payments-pending-empty = Заявок, ждущих решения, нет.
payments-pending-item = №{ $id } · { $amount } · { $method } · пользователь { $user }
payments-refund-usage = Использование: /refund <номер платежа>
payments-refund-done-telegram = ↩️ Платёж №{ $id } ({ $amount }) возвращён через Telegram.
payments-refund-done-manual = ↩️ Возврат платежа №{ $id } записан. Верните клиенту { $amount } через { $provider } самостоятельно.
payments-refund-refused = Возврат невозможен: { $reason }
payments-refund-retrying = Telegram пока не подтвердил возврат платежа №{ $id }; Лавка продолжит попытки.
payments-not-found = Платёж №{ $id } не найден.

payments-staff-receipt-card = 🧾 Заявка на перевод №{ $id }: подтвердите, когда деньги поступят.
payments-staff-receipt = 🧾 Заявка на перевод №{ $id }
    Пользователь: { $user }
    Сумма: { $amount }
    Способ: { $method }
    За: { $title }
payments-staff-amount-mismatch = ⚠️ Платёж №{ $id } ({ $provider }): получено { $received }, ожидалось { $expected }. Ничего не зачислено.
payments-staff-unknown-charge = ⚠️ Пришёл платёж { $provider } { $charge }, который не соответствует ни одному заказу. Проверьте его и при необходимости верните.
payments-staff-paid-after-decline = ⚠️ Провайдер подтвердил платёж №{ $id } после того, как заявка была отклонена. Ничего не зачислено, проверьте.
payments-staff-event-failed = ⚠️ Событие платежа №{ $id } не удалось обработать за { $attempts } попыток: { $error }
payments-staff-wrong-amount = ⚠️ Платёж №{ $id } ({ $provider }) оплачен на неверную сумму. Ничего не зачислено — свяжитесь с клиентом.
payments-staff-refund-failed = ⚠️ { $provider } не смог вернуть платёж №{ $id } ({ $amount }): деньги остались на счёте { $provider }. Проверьте возврат там.
payments-staff-refund-not-reversed = ⚠️ Платёж №{ $id } ({ $amount }) возвращён через { $provider }, но оплаченное отменить не удалось: { $reason }. Урегулируйте с клиентом.

payments-error-unexpected = Что-то пошло не так. Попробуйте ещё раз.
payments-error-not_found = Платёж или заявка не найдены.
payments-error-already_handled = По этой заявке уже принято решение.
payments-error-not_refundable = Этот платёж нельзя вернуть в текущем состоянии ({ $status }).
payments-error-refund_failed = Возврат не удался: { $code }
payments-error-not_payable = Это больше нельзя оплатить.
payments-error-stars_not_allowed = Telegram Stars принимаются только за цифровые товары и услуги: выберите другой способ оплаты.
payments-error-invalid_input = Проверьте введённые данные.
payments-error-gateway_unavailable = Платёжный сервис сейчас недоступен.
