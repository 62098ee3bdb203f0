# Запись: филиалы, услуги, врачи, календарь, мои записи, напоминания.
booking-menu-book = 🗓 Записаться на приём
booking-menu-my = 📋 Мои записи
booking-command-book = Записаться на приём
booking-command-appointments = Мои записи
booking-command-visits = Приёмы за день (для сотрудников)
booking-need-registration = Чтобы записаться на приём, сначала зарегистрируйтесь — это займёт минуту.
booking-no-branches = Онлайн-запись пока не открыта. Позвоните, пожалуйста, в клинику.
booking-choose-branch = 🏥 Выберите филиал:
booking-choose-service =
    🏥 { $branch }

    Выберите услугу:
booking-service-button = { $service } · { $minutes } мин · { $price }
booking-choose-doctor =
    🩺 { $service }

    Выберите врача:
booking-any-doctor = 👥 Любой свободный врач
booking-any-doctor-short = любой свободный врач
booking-choice = 🩺 { $service } · 👩‍⚕️ { $doctor }
booking-choose-date = Выберите день (нажать можно только дни со свободным временем):
booking-month-full = В этом месяце свободного времени нет. Посмотрите следующий.
# The calendar's weekday headers, Monday first, separated by spaces: two letters fit a seven-button row.
booking-calendar-weekdays = Пн Вт Ср Чт Пт Сб Вс
booking-no-slots-that-day = В этот день свободного времени нет.
booking-choose-time =
    🗓 { $day }

    Выберите время:
booking-day-full =
    🗓 { $day }

    Свободного времени в этот день не осталось.
booking-other-day = 🗓 Другой день
booking-back = « Назад
booking-confirm =
    Проверьте запись:

    🏥 { $branch }, { $address }
    🩺 { $service }
    👩‍⚕️ { $doctor }
    🕐 { $time }
    💳 { $price }
booking-button-confirm = ✅ Подтвердить
booking-booked = ✅ Вы записаны!
booking-booked-toast = Записано
booking-details =
    🩺 { $service } (№{ $id })
    👩‍⚕️ { $doctor }, { $specialty }
    🏥 { $branch }, { $address }
    🕐 { $time }
    💳 { $price }
booking-slot-taken = 😔 Извините, на это время только что записался другой пациент.
booking-slot-unavailable = На это время больше нельзя записаться.
booking-alternatives = Ближайшее свободное время:
booking-button-pay = 💳 Оплатить приём
booking-my = 📋 Мои записи
booking-new = ➕ Записаться ещё
booking-past = 🕘 Прошедшие приёмы
booking-upcoming = 📋 Предстоящие приёмы
booking-my-title = 📋 Ваши предстоящие приёмы:
booking-my-empty = У вас нет предстоящих приёмов.
booking-past-title = 🕘 Ваши прошедшие приёмы:
booking-past-empty = Прошедших приёмов пока нет.
booking-status-line = Статус: { $status }
booking-status-booked = записан
booking-status-completed = приём состоялся
booking-status-no-show = неявка
booking-status-cancelled = отменён
booking-you-confirmed = ✅ Вы подтвердили, что придёте.
booking-paid-in-full = 💳 Оплачено полностью.
booking-to-pay = 💳 К оплате: { $amount }
booking-button-reschedule = 🔁 Перенести
booking-button-cancel = ❌ Отменить
booking-button-cancel-yes = Да, отменить приём
booking-button-keep = Нет, оставить
booking-cancel-ask =
    Отменить этот приём?

    🩺 { $service }
    👩‍⚕️ { $doctor }
    🕐 { $time }
booking-cancelled = ❌ Приём отменён, его время освобождено.
booking-cancelled-toast = Отменено
booking-too-late = Изменить этот приём онлайн уже нельзя (до него меньше { $hours } ч). Позвоните, пожалуйста, в клинику.
booking-not-active = Этот приём больше нельзя изменить.
booking-button-will-come = ✅ Приду
booking-confirmed-toast = Спасибо! Ждём вас.
booking-button-open = Открыть запись
booking-reschedule-title =
    🔁 Перенос: { $service }, { $doctor }
    Сейчас: { $time }
booking-reschedule-confirm =
    Перенести приём?

    🩺 { $service }
    👩‍⚕️ { $doctor }
    Было: { $time }
    Стало: { $new }
booking-rescheduled = 🔁 Ваш приём перенесён.
booking-rescheduled-toast = Перенесено
booking-reminder =
    ⏰ Напоминаем о приёме
    🕐 { $time }
    🩺 { $service }
    👩‍⚕️ { $doctor }
    🏥 { $branch }, { $address }

    Вы придёте?
booking-cancelled-by-clinic = ❌ Клиника отменила ваш приём: { $service }, { $time }. Приносим извинения; запишитесь, пожалуйста, на другое время или напишите нам.
booking-moved-by-clinic = 🔁 Клиника перенесла ваш приём: { $service }, врач { $doctor }, теперь { $time } (было { $previous }), { $branch }. Если новое время не подходит, его можно изменить или отменить в разделе «Мои записи».
booking-staff-booked =
    🆕 Новая запись №{ $id }: { $patient }
    { $service } · { $doctor }
    { $branch }
    { $time }
booking-staff-rescheduled =
    🔁 Запись №{ $id } перенесена: { $patient }
    { $service } · { $doctor }
    было { $previous }, стало { $time }
booking-staff-cancelled =
    ❌ Пациент отменил запись №{ $id }: { $patient }
    { $service } · { $doctor }
    { $time }
booking-staff-confirmed = ✅ { $patient } подтвердил(а) приём №{ $id }: { $service } · { $doctor }, { $time }
booking-pay-title = Приём №{ $id }
booking-pay-description = { $service }, { $doctor }, { $time }
booking-paid = ✅ Оплата за приём №{ $id } получена. Спасибо!
booking-balance-button = 💰 Баланс
booking-balance-title = 💰 Ваш счёт в клинике
booking-balance-empty = Приёмов пока нет.
booking-balance-line =
    Баланс: { $balance }
    Оплачено: { $paid }
    Стоимость состоявшихся приёмов: { $charged }
    Осталось оплатить за записи и приёмы: { $due }
booking-visits-title = 🗓 Приёмы на { $day }:
booking-visits-empty = Приёмов нет.
booking-visit-completed = Отмечено: приём состоялся
booking-visit-no-show = Отмечено: неявка
booking-segment-branch = Пациенты филиала (номер или название)
booking-segment-service = Пациенты услуги (номер или название)
booking-segment-not-visited = Пациенты, не приходившие N месяцев
booking-report-day = Приёмы: записано { $booked }, состоялось { $completed }, неявок { $noShow }

# /stats и /export для персонала.
booking-stats-title = 🩺 Приёмы с { $since }, включая предстоящие:
booking-stats-total = • всего: { $count }
booking-stats-status = • { $status }: { $count }
booking-stats-no-shows = • неявки: { $count } из { $finished } прошедших приёмов ({ $rate })
booking-stats-new-patients = • новых пациентов: { $count }
booking-stats-revenue-title = Оплачено за приёмы, по врачам:
booking-stats-revenue-doctor = • { $doctor }: { $amount } ({ $count ->
    [one] { $count } приём
    [few] { $count } приёма
   *[other] { $count } приёмов
  })
booking-stats-revenue-none = • пока ничего
booking-export-sheet = Приёмы
booking-export-caption = Приёмов: { $count } (период: { $period }, статус: { $status })
booking-export-col-id = №
booking-export-col-visit = Приём
booking-export-col-status = Статус
booking-export-col-patient = Пациент
booking-export-col-user_id = Telegram ID
booking-export-col-phone = Телефон
booking-export-col-doctor = Врач
booking-export-col-service = Услуга
booking-export-col-branch = Филиал
booking-export-col-price = Цена
booking-export-col-paid = Оплачено
booking-export-col-currency = Валюта
booking-account-title = 💰 Ваш счёт в клинике — по данным системы клиники
booking-account-balance = Баланс: { $balance }
booking-account-owed = К оплате: { $amount }
booking-account-settled = Задолженности нет.
booking-account-pay-button = 💳 Оплатить { $amount }
booking-account-amount-changed = Сумма к оплате изменилась — вот актуальные данные клиники.
booking-account-invoice-description = Оплата задолженности по счёту в клинике
booking-account-invoice = 🧾 Счёт №{ $id } на { $amount }. Отсканируйте QR-код в приложении банка или откройте ссылку, затем нажмите «Проверить оплату».
booking-account-invoice-no-link = 🧾 Счёт №{ $id } на { $amount } выставлен. Оплатить его можно на кассе клиники; затем нажмите «Проверить оплату».
booking-account-open-link = 🔗 Открыть оплату
booking-account-check = 🔄 Проверить оплату
booking-account-check-pending = Оплата ещё не поступила. Если вы уже оплатили, проверьте через минуту.
booking-account-check-paid = ✅ Оплачено
booking-account-already-paid = Этот счёт уже оплачен.
booking-account-invoice-paid = ✅ Счёт №{ $id } на { $amount } оплачен. Спасибо!
