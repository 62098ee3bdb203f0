# Часы работы рядом с контактами: неделя и открыто ли сейчас.
hours-title = 🕘 Часы работы:
hours-day = { $days }: { $intervals }
hours-closed = выходной
hours-open-until-today = 🟢 Сейчас открыто, до { $time }
hours-open-until-tomorrow = 🟢 Сейчас открыто, до { $time } завтра
hours-open-until-day = 🟢 Сейчас открыто, до { $time } ({ $day })
hours-open-always = 🟢 Работаем круглосуточно
hours-closed-opens-today = 🔴 Сейчас закрыто, откроемся сегодня в { $time }
hours-closed-opens-tomorrow = 🔴 Сейчас закрыто, откроемся завтра в { $time }
hours-closed-opens-day = 🔴 Сейчас закрыто, откроемся: { $day }, { $time }
hours-closed-now = 🔴 Сейчас закрыто
hours-note-only = 🕘 Часы работы: { $note }
# Когда клиент пишет в нерабочее время.
hours-answer-today = Сейчас мы не работаем и ответим после открытия — сегодня в { $time }.
hours-answer-tomorrow = Сейчас мы не работаем и ответим после открытия — завтра в { $time }.
hours-answer-day = Сейчас мы не работаем и ответим после открытия: { $day }, { $time }.
