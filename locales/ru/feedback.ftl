# Отзыв после приёма (индекс NPS).
feedback-question =
    Как прошёл приём? ({ $service }, { $doctor })

    Насколько вероятно, что вы порекомендуете нашу клинику друзьям и близким? 0 — точно нет, 10 — обязательно.
feedback-thanks-toast = Спасибо!
feedback-ask-comment =
    Ваша оценка: { $score }. Спасибо!

    Хотите рассказать подробнее? Напишите комментарий или нажмите «Пропустить».
feedback-button-skip = Пропустить
feedback-thanks = 🙏 Спасибо за отзыв!
feedback-already = Вы уже оценили этот приём: { $score }.
feedback-text-only = Пожалуйста, напишите комментарий текстом.
feedback-staff-alert =
    ⚠️ Низкая оценка { $score }/10 за приём №{ $id }
    Пациент: { $patient }
    { $service } · { $doctor } · { $branch }
    { $time }
feedback-staff-alert-comment =
    ⚠️ Комментарий к оценке { $score }/10 за приём №{ $id } от { $patient }:
    { $comment }
feedback-report = NPS: { $nps } (ответов: { $responses })
