# Байланыс деректерінің жанындағы жұмыс уақыты: апта және қазір ашық па.
hours-title = 🕘 Жұмыс уақыты:
hours-day = { $days }: { $intervals }
hours-closed = демалыс
hours-open-until-today = 🟢 Қазір ашық. Жабылу уақыты: { $time }
hours-open-until-tomorrow = 🟢 Қазір ашық. Жабылу уақыты: ертең, { $time }
hours-open-until-day = 🟢 Қазір ашық. Жабылу уақыты: { $day }, { $time }
hours-open-always = 🟢 Тәулік бойы ашық
hours-closed-opens-today = 🔴 Қазір жабық. Ашылу уақыты: бүгін, { $time }
hours-closed-opens-tomorrow = 🔴 Қазір жабық. Ашылу уақыты: ертең, { $time }
hours-closed-opens-day = 🔴 Қазір жабық. Ашылу уақыты: { $day }, { $time }
hours-closed-now = 🔴 Қазір жабық
hours-note-only = 🕘 Жұмыс уақыты: { $note }
# Клиент жұмыстан тыс уақытта жазғанда.
hours-answer-today = Қазір біз жұмыс істемейміз, ашылған соң жауап береміз: бүгін, { $time }.
hours-answer-tomorrow = Қазір біз жұмыс істемейміз, ашылған соң жауап береміз: ертең, { $time }.
hours-answer-day = Қазір біз жұмыс істемейміз, ашылған соң жауап береміз: { $day }, { $time }.
