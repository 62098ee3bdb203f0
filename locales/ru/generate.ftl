# Платная демо-задача.
command-generate = Запустить платную задачу: /generate <запрос>
menu-generate = ✨ Сгенерировать
generate-ask = Что нарисовать? Опишите картинку одним сообщением. Стоимость — { $cost } токенов.
generate-insufficient = Недостаточно токенов: задача стоит { $cost }, на балансе { $balance }.
generate-started = 🕐 Задача в очереди (списано { $cost } токенов, баланс { $balance })
    { $bar }
generate-progress = ⏳ Генерирую…
    { $bar }
generate-done = ✅ Готово: { $result }
    (списано { $cost } токенов)
generate-done-picture = ✅ Готово — картинка ниже.
    (списано { $cost } токенов)
generate-picture-caption = 🎨 «{ $prompt }»
    Списано { $cost } токенов.
generate-again-button = ✨ Ещё раз
generate-failed = ❌ Задача не выполнена. { $cost } токенов возвращены. Баланс: { $balance }.
