# Жазылу: филиалдар, қызметтер, дәрігерлер, күнтізбе, менің жазылуларым, еске салулар.
booking-menu-book = 🗓 Қабылдауға жазылу
booking-menu-my = 📋 Менің жазылуларым
booking-command-book = Қабылдауға жазылу
booking-command-appointments = Менің жазылуларым
booking-command-visits = Күндегі қабылдаулар (қызметкерлерге)
booking-need-registration = Қабылдауға жазылу үшін алдымен тіркеліңіз — бұл бір минут алады.
booking-no-branches = Онлайн жазылу әзірге ашылмаған. Клиникаға қоңырау шалыңыз.
booking-choose-branch = 🏥 Филиалды таңдаңыз:
booking-choose-service =
    🏥 { $branch }

    Қызметті таңдаңыз:
booking-service-button = { $service } · { $minutes } мин · { $price }
booking-choose-doctor =
    🩺 { $service }

    Дәрігерді таңдаңыз:
booking-any-doctor = 👥 Кез келген бос дәрігер
booking-any-doctor-short = кез келген бос дәрігер
booking-choice = 🩺 { $service } · 👩‍⚕️ { $doctor }
booking-choose-date = Күнді таңдаңыз (тек бос уақыты бар күндерді басуға болады):
booking-month-full = Бұл айда бос уақыт жоқ. Келесі айды қараңыз.
# The calendar's weekday headers, Monday first, separated by spaces: two letters fit a seven-button row.
booking-calendar-weekdays = Дс Сс Ср Бс Жм Сб Жс
booking-no-slots-that-day = Бұл күні бос уақыт жоқ.
booking-choose-time =
    🗓 { $day }

    Уақытты таңдаңыз:
booking-day-full =
    🗓 { $day }

    Бұл күні бос уақыт қалмады.
booking-other-day = 🗓 Басқа күн
booking-back = « Артқа
booking-confirm =
    Жазылуыңызды тексеріңіз:

    🏥 { $branch }, { $address }
    🩺 { $service }
    👩‍⚕️ { $doctor }
    🕐 { $time }
    💳 { $price }
booking-button-confirm = ✅ Растау
booking-booked = ✅ Сіз қабылдауға жазылдыңыз!
booking-booked-toast = Жазылдыңыз
booking-details =
    🩺 { $service } (№{ $id })
    👩‍⚕️ { $doctor }, { $specialty }
    🏥 { $branch }, { $address }
    🕐 { $time }
    💳 { $price }
booking-slot-taken = 😔 Кешіріңіз, бұл уақытқа жаңа ғана басқа пациент жазылып қойды.
booking-slot-unavailable = Бұл уақытқа енді жазылу мүмкін емес.
booking-alternatives = Ең жақын бос уақыт:
booking-button-pay = 💳 Қабылдау ақысын төлеу
booking-my = 📋 Менің жазылуларым
booking-new = ➕ Тағы жазылу
booking-past = 🕘 Өткен қабылдаулар
booking-upcoming = 📋 Алдағы қабылдаулар
booking-my-title = 📋 Алдағы қабылдауларыңыз:
booking-my-empty = Алдағы қабылдауларыңыз жоқ.
booking-past-title = 🕘 Өткен қабылдауларыңыз:
booking-past-empty = Өткен қабылдаулар әзірге жоқ.
booking-status-line = Күйі: { $status }
booking-status-booked = жазылған
booking-status-completed = қабылдау өтті
booking-status-no-show = келмеді
booking-status-cancelled = бас тартылды
booking-you-confirmed = ✅ Келетініңізді растадыңыз.
booking-paid-in-full = 💳 Толық төленді.
booking-to-pay = 💳 Төлеуге: { $amount }
booking-button-reschedule = 🔁 Ауыстыру
booking-button-cancel = ❌ Бас тарту
booking-button-cancel-yes = Иә, қабылдаудан бас тарту
booking-button-keep = Жоқ, қалдыру
booking-cancel-ask =
    Бұл қабылдаудан бас тартасыз ба?

    🩺 { $service }
    👩‍⚕️ { $doctor }
    🕐 { $time }
booking-cancelled = ❌ Қабылдаудан бас тартылды, оның уақыты босатылды.
booking-cancelled-toast = Бас тартылды
booking-too-late = Бұл қабылдауды онлайн өзгертуге кеш (оған { $hours } сағаттан аз қалды). Клиникаға қоңырау шалыңыз.
booking-not-active = Бұл қабылдауды енді өзгерту мүмкін емес.
booking-button-will-come = ✅ Келемін
booking-confirmed-toast = Рақмет! Сізді күтеміз.
booking-button-open = Жазылуды ашу
booking-reschedule-title =
    🔁 Ауыстыру: { $service }, { $doctor }
    Қазір: { $time }
booking-reschedule-confirm =
    Қабылдауды ауыстырасыз ба?

    🩺 { $service }
    👩‍⚕️ { $doctor }
    Бұрын: { $time }
    Жаңа уақыт: { $new }
booking-rescheduled = 🔁 Қабылдауыңыз ауыстырылды.
booking-rescheduled-toast = Ауыстырылды
booking-reminder =
    ⏰ Қабылдау туралы еске саламыз
    🕐 { $time }
    🩺 { $service }
    👩‍⚕️ { $doctor }
    🏥 { $branch }, { $address }

    Келесіз бе?
booking-cancelled-by-clinic = ❌ Клиника сіздің қабылдауыңызды тоқтатты: { $service }, { $time }. Кешірім сұраймыз; басқа уақытқа жазылыңыз немесе бізге жазыңыз.
booking-moved-by-clinic = 🔁 Клиника қабылдауыңызды ауыстырды: { $service }, дәрігер { $doctor }, енді { $time } (бұрын { $previous } еді), { $branch }. Жаңа уақыт ыңғайсыз болса, оны «Менің жазылуларым» бөлімінде өзгертуге не болдырмауға болады.
booking-staff-booked =
    🆕 Жаңа жазылу №{ $id }: { $patient }
    { $service } · { $doctor }
    { $branch }
    { $time }
booking-staff-rescheduled =
    🔁 №{ $id } жазылу ауыстырылды: { $patient }
    { $service } · { $doctor }
    бұрын { $previous }, енді { $time }
booking-staff-cancelled =
    ❌ Пациент №{ $id } жазылудан бас тартты: { $patient }
    { $service } · { $doctor }
    { $time }
booking-staff-confirmed = ✅ { $patient } №{ $id } қабылдауға келетінін растады: { $service } · { $doctor }, { $time }
booking-pay-title = Қабылдау №{ $id }
booking-pay-description = { $service }, { $doctor }, { $time }
booking-paid = ✅ №{ $id } қабылдау үшін төлем алынды. Рақмет!
booking-balance-button = 💰 Баланс
booking-balance-title = 💰 Клиникадағы есебіңіз
booking-balance-empty = Әзірге қабылдаулар жоқ.
booking-balance-line =
    Баланс: { $balance }
    Төленді: { $paid }
    Өткен қабылдаулардың құны: { $charged }
    Жазылулар мен қабылдаулар үшін әлі төлеу керек: { $due }
booking-visits-title = 🗓 { $day } күнгі қабылдаулар:
booking-visits-empty = Қабылдаулар жоқ.
booking-visit-completed = Белгіленді: қабылдау өтті
booking-visit-no-show = Белгіленді: келмеді
booking-segment-branch = Филиал пациенттері (нөмірі немесе атауы)
booking-segment-service = Қызмет пациенттері (нөмірі немесе атауы)
booking-segment-not-visited = N ай бойы келмеген пациенттер
booking-report-day = Қабылдаулар: { $booked } жазылған, { $completed } өтті, { $noShow } келмеді

# Қызметкерлерге арналған /stats және /export.
booking-stats-title = 🩺 { $since } бастап қабылдаулар, алдағылары да бар:
booking-stats-total = • барлығы: { $count }
booking-stats-status = • { $status }: { $count }
booking-stats-no-shows = • келмегендер: өткен { $finished } қабылдаудың { $count } ({ $rate })
booking-stats-new-patients = • жаңа пациенттер: { $count }
booking-stats-revenue-title = Қабылдаулар үшін төленгені, дәрігерлер бойынша:
booking-stats-revenue-doctor = • { $doctor }: { $amount } ({ $count } қабылдау)
booking-stats-revenue-none = • әзірге ештеңе жоқ
booking-export-sheet = Қабылдаулар
booking-export-caption = Қабылдаулар: { $count } (кезең: { $period }, күйі: { $status })
booking-export-col-id = №
booking-export-col-visit = Қабылдау
booking-export-col-status = Күйі
booking-export-col-patient = Пациент
booking-export-col-user_id = Telegram ID
booking-export-col-phone = Телефон
booking-export-col-doctor = Дәрігер
booking-export-col-service = Қызмет
booking-export-col-branch = Филиал
booking-export-col-price = Бағасы
booking-export-col-paid = Төленді
booking-export-col-currency = Валюта
booking-account-title = 💰 Клиникадағы есебіңіз — клиника жүйесінің деректері бойынша
booking-account-balance = Баланс: { $balance }
booking-account-owed = Төлеуге: { $amount }
booking-account-settled = Берешек жоқ.
booking-account-pay-button = 💳 { $amount } төлеу
booking-account-amount-changed = Төлеу сомасы өзгерді — клиниканың қазіргі деректері төменде.
booking-account-invoice-description = Клиникадағы есеп бойынша берешекті төлеу
booking-account-invoice = 🧾 №{ $id } шот, сомасы { $amount }. QR-кодты банк қосымшасында сканерлеңіз немесе сілтемені ашыңыз, содан кейін «Төлемді тексеру» түймесін басыңыз.
booking-account-invoice-no-link = 🧾 №{ $id } шот, сомасы { $amount }, жазылды. Оны клиника кассасында төлеуге болады; содан кейін «Төлемді тексеру» түймесін басыңыз.
booking-account-open-link = 🔗 Төлемді ашу
booking-account-check = 🔄 Төлемді тексеру
booking-account-check-pending = Төлем әлі түскен жоқ. Егер төлеп қойсаңыз, бір минуттан кейін тексеріңіз.
booking-account-check-paid = ✅ Төленді
booking-account-already-paid = Бұл шот төленіп қойған.
booking-account-invoice-paid = ✅ №{ $id } шот, сомасы { $amount }, төленді. Рақмет!
