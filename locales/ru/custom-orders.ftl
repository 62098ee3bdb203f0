# Заказы печати по 3D-моделям (модуль custom-orders, пресет print3d).
co-menu-new-order = 🖨 Новый заказ печати
co-menu-my-orders = 📦 Мои заказы
co-menu-subscribe = 🔔 Уведомления
co-command-new-order = Заказать печать по вашей 3D-модели
co-command-subscribe = Какие уведомления о заказах получать

co-status-new = Новый
co-status-quoted = Цена предложена
co-status-awaiting_payment = Ожидает оплаты
co-status-paid = Оплачен
co-status-printing = Печатается
co-status-post_processing = Постобработка
co-status-ready = Готов
co-status-shipped = Отправлен
co-status-done = Завершён
co-status-cancelled = Отменён
co-status-refunded = Отменён, деньги возвращены

co-accepted-formats = Принимаем файлы { $formats } до { $mb } МБ, отправленные файлом (документом).
co-flow-send-files = Отправьте 3D-модель файлом. Для одного заказа можно прислать несколько файлов (до { $max }). /cancel — отменить.
co-flow-expect-file = Пожалуйста, отправьте модель файлом (📎 → Файл).
co-flow-send-as-file = Это фотография. Отправьте, пожалуйста, саму 3D-модель файлом (📎 → Файл).
co-flow-file-accepted = ✅ { $name } измерен:
co-flow-file-open-warning = ⚠️ Сетка модели не замкнута (есть дыры). Мы проверим, можно ли печатать её как есть.
co-flow-more-files = Отправьте ещё файл для этого заказа или продолжайте.
co-flow-files-done = Продолжить ▶ ({ $count ->
    [one] { $count } файл
    [few] { $count } файла
   *[other] { $count } файлов
})
co-flow-too-many-files = В одном заказе не больше { $max } файлов. Продолжите с этими, а остальные оформите отдельным заказом.
co-flow-cancel = ✖ Отмена
co-flow-cancelled = Заказ отменён. Ничего не сохранено.
co-flow-choose-technology = Как печатать?
co-flow-choose-material = { $technology }: выберите материал.
co-flow-choose-colour = { $material }: выберите цвет. Показаны только цвета в наличии.
co-flow-choose-infill = Выберите заполнение: чем оно больше, тем деталь прочнее, тяжелее и дороже.
co-flow-infill-recommended = { $percent } % ⭐
co-flow-choose-quantity = Сколько экземпляров? Нажмите кнопку или введите число до { $max }.
co-flow-quantity-invalid = Введите целое число от 1 до { $max }.
co-flow-ask-comment = Что нам нужно знать (ориентация, обработка, допуски)? Напишите комментарий или пропустите.
co-flow-comment-text = Напишите это, пожалуйста, текстом.
co-flow-ask-deadline = Нужно к определённой дате? Напишите её как ДД.ММ.ГГГГ или пропустите.
co-flow-deadline-invalid = Не получилось прочитать дату. Напишите дату не раньше сегодняшней, например 25.12.2026, или пропустите.
co-flow-skip = Пропустить ▶
co-flow-use-buttons = Пожалуйста, воспользуйтесь кнопками выше или отправьте /cancel.
co-flow-files-gone = Файлы этого заказа больше недоступны. Начните заново: /new_order.
co-flow-choice-unavailable = Этот материал или цвет больше недоступен. Выберите, пожалуйста, снова.

co-measure-size = { $x } × { $y } × { $z } мм
co-measure-volume = { $volume } см³
co-measure-area = поверхность { $area } см²
co-measure-triangles = { $count ->
    [one] { $count } треугольник
    [few] { $count } треугольника
   *[other] { $count } треугольников
}
co-measure-closed = сетка замкнута ✓
co-measure-open = сетка не замкнута ⚠️ (открытых рёбер: { $edges })
co-infill-value = заполнение { $percent } %
co-quantity-value = × { $quantity }

co-quote-title = 💰 Расчёт
co-quote-line = { $index }) { $name }: { $mass } г — материал { $material }, машинное время { $minutes } мин { $machine }; за экземпляр { $unit }
co-quote-items = Детали × { $quantity }: { $items }
co-quote-discount = Скидка за количество { $percent } %: −{ $discount }
co-quote-setup = Подготовка: { $fee }
co-quote-minimum = Доплата до минимального заказа: { $surcharge }
co-quote-total = Итого: { $total }
co-quote-estimate = Материал { $mass } г, печать примерно { $time }.
co-price = Цена: { $total }
co-price-pending = Цена: назначит студия
co-summary-title = 🧾 Ваш заказ
co-summary-confirm-hint = Подтвердите, чтобы оформить и оплатить заказ, или попросите студию рассчитать цену вручную.
co-summary-too-large = ⚠️ Модель больше рабочей области наших принтеров. Студия может разрезать её или рассчитать вручную — запросите ручной расчёт.
co-summary-confirm = ✅ Подтвердить и оплатить
co-summary-manual = ✍️ Запросить ручной расчёт
co-deadline-line = Нужно к: { $date }
co-comment-line = Комментарий: { $comment }
co-note-line = Примечание студии: { $note }
co-placed-at = Оформлен: { $at }
co-line-title = 3D-печать: { $job }
co-line-rounding = Округление цены по копиям

co-placed = Заказ { $number } оформлен.
co-placed-manual = Заказ { $number } отправлен в студию. Скоро пришлём цену.
co-invoice-title = Заказ { $number }
co-invoice-description = { $choice }, { $files ->
    [one] { $files } файл
    [few] { $files } файла
   *[other] { $files } файлов
}
co-paid = ✅ Оплата получена, спасибо! Заказ { $number } отправляется в печать.
co-paid-unexpected = Оплата по заказу { $number } получена. Заказ за это время изменился, студия свяжется с вами.

co-pay-choose = { $price }. Как вам удобнее оплатить?
co-pay-unavailable = Оплата онлайн сейчас недоступна. Попробуйте чуть позже из карточки заказа.
co-price-accepted-heading = Цена заказа { $number } принята.
co-detail-title = Заказ { $number } — { $status }
co-history = История:
co-open-order = Открыть заказ
co-back-to-list = « Мои заказы
co-accept-price = ✅ Принять цену
co-pay-button = 💳 Оплатить
co-cancel-order = ✖ Отменить заказ
co-cancelled-by-you = Заказ отменён.
co-price-accepted = Цена принята.
co-quote-outdated = Цена с тех пор изменилась. Вот актуальная.
co-action-not-possible = Для заказа в текущем состоянии это невозможно.

co-subscribe-title = О каких изменениях заказа вам сообщать? Нажмите, чтобы включить или выключить. Новые цены и отмены приходят всегда.
co-subscribe-on = Уведомления включены: { $status }
co-subscribe-off = Уведомления выключены: { $status }
co-subscribe-news = 📣 Снова получать новости и акции
co-subscribe-news-done = Готово: вы снова будете получать наши новости и акции.

co-notify-paid = Заказ { $number } отмечен как оплаченный.
co-notify-printing = 🖨 Заказ { $number } печатается.
co-notify-post_processing = 🧽 Заказ { $number } на постобработке.
co-notify-ready = 📦 Заказ { $number } готов.
co-notify-shipped = 🚚 Заказ { $number } отправлен.
co-notify-done = ✅ Заказ { $number } завершён. Спасибо!
co-notify-cancelled = Студия отменила заказ { $number }.
co-notify-refunded = ↩️ Студия отменила заказ { $number } и вернула вашу оплату { $amount }.
co-notify-new-price = Студия назначила цену заказа { $number }. Примите её, чтобы оплатить.
co-notify-message = 💬 Сообщение студии по заказу { $number }:

co-error-model-empty = Файл пустой. { $accepted }
co-error-model-truncated = Файл обрезан (загрузка или экспорт не завершились). Экспортируйте его заново и пришлите ещё раз. { $accepted }
co-error-model-not_a_model = Это не 3D-модель (похоже на: { $kind }). { $accepted }
co-error-model-unsupported_format = Не умею читать такой тип файла. { $accepted }
co-error-model-corrupt = Файл модели повреждён и не читается. Экспортируйте его заново. { $accepted }
co-error-model-no_geometry = В файле нет поверхностей, которые можно напечатать.
co-error-model-too_large = Файл больше { $limitMb } МБ — столько бот может скачать. Упростите или сожмите модель (3MF меньше). { $accepted }
co-error-model-too_many_triangles = В модели больше { $maxTriangles } треугольников. Упростите сетку и пришлите снова.
co-error-model-too_complex = Модель слишком сложная для автоматического анализа. Упростите её или напишите нам.
co-error-download = Не получилось скачать файл из Telegram. Пришлите его ещё раз через минуту.

co-admin-only = Это для сотрудников студии.
co-staff-new = 🆕 Новый заказ печати
co-staff-new-manual = 🆕 Новый заказ печати — нужен ручной расчёт
co-staff-preview = { $number }: превью
co-staff-card-title = Заказ { $number } — { $status }
co-staff-customer = Клиент: { $name } (id { $id })
co-staff-manual-quote = ⚠️ Нужен ручной расчёт (клиент попросил или модель больше рабочей области).
co-staff-payment = Оплачен онлайн: платёж №{ $id }
co-staff-open-mesh = ⚠️ Сетка модели не замкнута — проверьте перед печатью.
co-staff-event-accepted = Заказ { $number }: клиент принял цену и оплачивает.
co-staff-event-cancelled = Клиент отменил заказ { $number }.
co-staff-event-paid = 💰 Заказ { $number } оплачен: { $amount } (платёж №{ $id }).
co-staff-event-payment_unexpected = ⚠️ Пришла оплата { $amount } (платёж №{ $id }) по заказу { $number }, который в статусе «{ $status }» и оплаты уже не ждёт. Верните деньги клиенту: /refund { $id }
co-staff-event-refund_refused = ⚠️ Платёжная система отказала в возврате платежа №{ $id } по заказу { $number }. Заказ остаётся в статусе «{ $status }»; верните деньги клиенту вручную.
co-action-paid = 💰 Оплачен
co-action-printing = 🖨 В печать
co-action-post_processing = 🧽 Постобработка
co-action-ready = 📦 Готов
co-action-shipped = 🚚 Отправлен
co-action-done = ✅ Завершён
co-action-cancelled = ✖ Отменить
co-action-refunded = ↩️ Отменить и вернуть деньги
co-action-quote = ✏️ Назначить цену
co-action-message = 💬 Написать клиенту
co-status-set = { $number }: { $status }
co-status-stale = Заказ уже изменился: сейчас он «{ $status }».
co-refund-pending = { $number }: отменён; Telegram ещё не подтвердил возврат, Lavka продолжает попытки.
co-refund-failed = { $number }: платёжная система отказала в возврате. Верните деньги вручную.
co-staff-ask-price = Отправьте новую цену заказа { $number } в { $currency } (сейчас { $current }), можно с примечанием для клиента. /cancel — отменить.
co-staff-price-invalid = Отправьте положительную сумму в { $currency }, например 12500 или 12500 нужны поддержки.
co-staff-price-set = Заказ { $number }: цена { $price } отправлена клиенту на подтверждение.
co-staff-price-locked = Цену уже нельзя изменить: заказ в статусе «{ $status }».
co-staff-ask-message = Отправьте сообщение для клиента по заказу { $number }. /cancel — отменить.
co-staff-message-sent = Сообщение клиенту по заказу { $number } отправлено.

co-stats-title = 📊 Заказы печати
co-stats-by-status = По статусам:
co-stats-none = Заказов пока нет.
co-stats-period-today = Сегодня
co-stats-period-7d = За 7 дней
co-stats-period-30d = За 30 дней
co-stats-period-line = Заказов: { $orders }, оплачено: { $paid }, выручка: { $revenue }, получено: { $received }
