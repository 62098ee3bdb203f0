# Контакты и поддержка.
menu-support = 💬 Связаться с нами
command-support = Связаться с нами
support-title = 💬 Как с нами связаться:
support-telegram = Telegram: { $username }
support-phone = Телефон: { $phone }
support-email = E-mail: { $email }
support-write = ✍️ Написать нам здесь
support-open-chat = Открыть чат с поддержкой
support-write-prompt = Напишите сообщение (текст, фото или файл) — я передам его нашей команде. /cancel — отменить.
support-sent = ✅ Отправлено! Мы скоро ответим.
support-unsupported = Пришлите, пожалуйста, текст, фото или файл.
support-too-long = Слишком длинно: не больше { $max } символов, пожалуйста.
support-staff-header = ✉️ Сообщение от { $name } ({ $username }, id { $id }):
support-reply-received =
    💬 Ответ нашей команды:

    { $text }
support-closed-by-staff = Мы закрыли ваш вопрос. Если нужна помощь ещё, просто напишите нам снова.
support-write-again = ✍️ Ответить
