# Платная демо-задача.
command-generate = Запустить платную задачу: /generate <запрос>
menu-generate = ✨ Сгенерировать
generate-ask = Что сгенерировать? Пришлите запрос. Стоимость — { $cost } токенов.
generate-insufficient = Недостаточно токенов: задача стоит { $cost }, на балансе { $balance }.
generate-started = ⏳ Генерирую… (списано { $cost } токенов, баланс { $balance })
    { $bar }
generate-progress = ⏳ Генерирую…
    { $bar }
generate-done = ✅ Готово: { $result }
    (списано { $cost } токенов)
generate-failed = ❌ Задача не выполнена. { $cost } токенов возвращены. Баланс: { $balance }.
