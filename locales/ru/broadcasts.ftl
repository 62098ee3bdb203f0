# Рассылки: конструктор /broadcast, ход отправки и кнопки под сообщениями рассылки.
command-broadcast = Разослать сообщение клиентам
broadcasts-admins-only = Рассылки могут отправлять только администраторы бота.
broadcasts-private-only = Рассылки составляются в личном чате с ботом.
broadcasts-compose-prompt = 📣 Новая рассылка. Пришлите сообщение так, как его должны увидеть клиенты: текст с форматированием или фото с подписью. /cancel — отменить.
broadcasts-compose-caption-needed = Добавьте к фото подпись: в рассылке фото должно быть с текстом.
broadcasts-compose-unsupported = Рассылка может быть текстом или фото с подписью. Пришлите, пожалуйста, одно из них.
broadcasts-buttons-prompt =
    Добавить кнопки? По одной в строке:
    Название | https://ссылка — кнопка-ссылка
    Название — кнопка, нажатия на которую считаются
broadcasts-button-no-buttons = Без кнопок
broadcasts-buttons-invalid = Не получилось разобрать кнопки. По одной в строке, не больше 10: «Название | https://ссылка» или просто «Название».
broadcasts-audience-prompt = Кому отправить?
broadcasts-audience-everyone = 👥 Всем
broadcasts-audience-language = 🌐 По языку
broadcasts-audience-tag = 🏷 По метке
broadcasts-audience-ids = 🔢 Список id
broadcasts-audience-not = Кроме: { $segment }
broadcasts-audience-language-prompt = Какой язык?
broadcasts-audience-tag-prompt = Пришлите метки через пробел или запятую.
broadcasts-audience-ids-prompt = Пришлите Telegram id получателей через пробел, запятую или с новой строки.
broadcasts-audience-ids-invalid = Это не Telegram id. Пришлите числа через пробел или запятую.
broadcasts-audience-param-days = Пришлите число дней.
broadcasts-audience-param-amount = Пришлите сумму.
broadcasts-audience-param-text = Пришлите значение (до 100 символов).
broadcasts-audience-param-number = Пришлите, пожалуйста, целое число.
broadcasts-audience-empty = Под эту аудиторию никто не подходит (заблокировавшие бота и отписавшиеся не учитываются). Выберите другую.
broadcasts-audience-language-is = язык: { $languages }
broadcasts-audience-tag-is = метки: { $tags }
broadcasts-audience-ids-are = список из { $count } id
broadcasts-preview-title = 👁 Предпросмотр — так сообщение увидят получатели:
broadcasts-preview-failed = Telegram не принял сообщение: { $details }. Исправьте его и попробуйте снова.
broadcasts-confirm =
    Рассылка №{ $id } готова.
    Аудитория: { $audience } — получателей: { $size }.
    Отправить сейчас или запланировать?
broadcasts-confirm-use-buttons = Воспользуйтесь кнопками выше: отправить, запланировать или удалить.
broadcasts-button-send-now = 🚀 Отправить сейчас
broadcasts-button-schedule = 🕒 Запланировать
broadcasts-button-unsubscribe-on = 🔕 Кнопка «Отписаться»: есть
broadcasts-button-unsubscribe-off = 🔕 Кнопка «Отписаться»: нет
broadcasts-button-paid-on = ⭐ Платная быстрая отправка: вкл.
broadcasts-button-paid-off = ⭐ Платная быстрая отправка: выкл.
broadcasts-button-preview = 👁 Показать ещё раз
broadcasts-button-discard = ✖ Удалить
broadcasts-schedule-prompt = Когда отправить? Пришлите время ({ $timeZone }): «2025-12-31 18:00», «31.12 18:00» или просто «18:00».
broadcasts-schedule-invalid = Не получилось разобрать время. Примеры: «2025-12-31 18:00», «31.12 18:00», «18:00» ({ $timeZone }).
broadcasts-scheduled = 🕒 Рассылка №{ $id } запланирована на { $at } ({ $timeZone }).
broadcasts-started = 🚀 Рассылка №{ $id } отправляется, получателей: { $count }. Ход отправки — ниже.
broadcasts-discarded = Рассылка удалена.
broadcasts-status-draft = 📝 Рассылка №{ $id }: черновик
broadcasts-status-scheduled = 🕒 Рассылка №{ $id }: запланирована
broadcasts-status-sending = 📣 Рассылка №{ $id }: отправляется
broadcasts-status-paused = ⏸ Рассылка №{ $id }: на паузе
broadcasts-status-done = ✅ Рассылка №{ $id }: завершена
broadcasts-status-cancelled = ✖ Рассылка №{ $id }: отменена
broadcasts-progress = Отправлено: { $sent } · заблокировали бота: { $blocked } · ошибок: { $failed } · осталось: { $remaining } из { $total }
broadcasts-eta = Осталось примерно: { $eta }
broadcasts-button-pause = ⏸ Пауза
broadcasts-button-resume = ▶ Продолжить
broadcasts-button-cancel = ✖ Отменить
broadcasts-pause-done = Пауза.
broadcasts-resume-done = Продолжаем.
broadcasts-cancel-done = Отменено. Уже отправленные сообщения остаются у получателей.
broadcasts-error-invalid = Рассылка составлена с ошибкой: { $details }
broadcasts-error-wrong-status = Эту рассылку уже нельзя так изменить.
broadcasts-error-past-time = Это время уже прошло. Пришлите время в будущем.
broadcasts-error-far-time = Рассылку можно запланировать не дальше чем на год вперёд.
broadcasts-error-unknown-segment = Эта аудитория больше недоступна. Выберите другую.
broadcasts-unsubscribe-button = 🔕 Отписаться
broadcasts-unsubscribed = Вы больше не будете получать рассылки. Чтобы снова получать их, отправьте /subscribe.
broadcasts-resubscribed = Вы снова будете получать рассылки.
broadcasts-button-thanks = Спасибо!
broadcasts-report = 📣 Завершено рассылок: { $count }, доставлено сообщений: { $delivered }
