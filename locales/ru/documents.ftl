# Документы: подтверждения, справки, анализы, запросы.
documents-menu = 📄 Мои документы
documents-command = Ваши документы
documents-title = 📄 Ваши документы. Нажмите на документ, чтобы скачать его.
documents-empty = У вас пока нет документов. Здесь появятся подтверждения записей и справки клиники.
documents-button-request = 📝 Запросить справку
documents-button-download = 📥 Скачать
documents-button-skip = Пропустить
documents-back = « Назад
documents-not-available = Этот документ недоступен.
documents-need-registration = Чтобы запросить справку, сначала зарегистрируйтесь.
documents-request-choose = Какая справка вам нужна?
documents-request-comment =
    📝 { $kind }

    При необходимости добавьте комментарий (например, период или куда нужна справка) или нажмите «Пропустить».
documents-request-text-only = Пожалуйста, напишите комментарий текстом.
documents-request-sent = ✅ Запрос №{ $id } отправлен: { $kind }. Мы сообщим, когда справка будет готова.
documents-request-rejected = Запрос №{ $id } ({ $kind }) не может быть выполнен. Подробности уточните в клинике.
documents-new-document = 📄 Для вас новый документ: { $title }
documents-confirmation-title = Подтверждение записи №{ $id }
documents-cert-work = Справка для работы
documents-cert-school = Справка для учёбы
documents-cert-sport = Справка для занятий спортом
documents-cert-pool = Справка в бассейн
documents-cert-tax = Справка для налогового вычета
documents-staff-request =
    📄 #R{ $id } Запрос справки: { $kind }
    Пациент: { $patient }, ИИН { $iin }, { $phone }
    Комментарий: { $comment }

    Ответьте на это сообщение справкой (PDF или фото) — она уйдёт пациенту.
documents-staff-request-closed = Этот запрос уже закрыт.
documents-staff-wrong-type = Отправьте справку в виде PDF или фото.
documents-staff-uploaded = ✅ Справка по запросу №{ $id } отправлена пациенту.
documents-pdf-title = Подтверждение записи на приём №{ $id }
documents-pdf-patient = Пациент
documents-pdf-iin = ИИН
documents-pdf-birth-date = Дата рождения
documents-pdf-service = Услуга
documents-pdf-doctor = Врач
documents-pdf-branch = Филиал
documents-pdf-time = Дата и время
documents-pdf-price = Стоимость
documents-pdf-paid = Оплачено
documents-pdf-status = Статус
documents-pdf-note-arrive = Пожалуйста, приходите за 10 минут до приёма и возьмите с собой удостоверение личности.
documents-pdf-note-cancel = Перенести или отменить приём можно в Telegram-боте клиники, в разделе «Мои записи».
documents-pdf-issued = Выдано { $time }
documents-clinic-ready = 📄 Ваш документ готов: { $title }. Нажмите кнопку, чтобы получить его.
documents-clinic-untitled = документ из клиники
documents-clinic-generated = ✅ Ваша справка готова: { $title }. Нажмите кнопку, чтобы получить её.
documents-button-get = 📥 Получить документ
