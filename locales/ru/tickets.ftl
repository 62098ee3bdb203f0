# Обращения в поддержку.
tickets-menu = 💬 Поддержка
tickets-command = Написать в клинику
tickets-home = 💬 Поддержка. Задайте вопрос — сотрудники клиники ответят здесь, в боте.
tickets-button-new = ✍️ Написать в клинику
tickets-button-faq = ❓ Вопросы и ответы
tickets-button-open = Открыть обращение
tickets-button-reply = ✍️ Ответить
tickets-button-close = ✅ Закрыть
tickets-back = « Поддержка
tickets-write-prompt = Опишите ваш вопрос одним сообщением. /cancel — отмена.
tickets-reply-prompt = Напишите сообщение по обращению №{ $id }:
tickets-text-only = Пожалуйста, напишите текстом.
tickets-created = ✅ Обращение №{ $id } отправлено. Мы ответим здесь, в боте.
tickets-sent = ✅ Добавлено в обращение №{ $id }.
tickets-thread-title = Обращение №{ $id } · { $status }
tickets-status-open = ждёт ответа
tickets-status-answered = есть ответ
tickets-status-closed = закрыто
tickets-author-you = Вы
tickets-author-staff = Клиника
tickets-reply-received =
    💬 Ответ на ваше обращение №{ $id }:

    { $text }
tickets-closed-toast = Закрыто
tickets-closed-by-staff = Обращение №{ $id } закрыто. Если остались вопросы, напишите нам снова.
tickets-error-empty = Сообщение пустое.
tickets-error-too-long = Слишком длинно, сократите, пожалуйста.
tickets-error-closed = Это обращение закрыто.
tickets-error-not-found = Обращение не найдено.
tickets-staff-new =
    Новое обращение от { $who }:

    { $text }

    Ответьте на это сообщение, чтобы ответить пациенту.
tickets-staff-more =
    { $who } пишет снова:

    { $text }
tickets-staff-closed = { $who } закрыл(а) обращение.
tickets-staff-button-close = ✅ Закрыть обращение
tickets-staff-sent = ✅ Ответ по обращению №{ $id } отправлен пациенту.
