# Таратылымдар: /broadcast құрастырушысы, жіберу барысы және таратылым хабарламаларының түймелері.
command-broadcast = Клиенттерге таратылым жіберу
broadcasts-admins-only = Таратылымды тек боттың әкімшілері жібере алады.
broadcasts-private-only = Таратылым ботпен жеке чатта құрастырылады.
broadcasts-compose-prompt = 📣 Жаңа таратылым. Хабарламаны клиенттер көретіндей етіп жіберіңіз: пішімделген мәтін немесе жазуы бар фото. /cancel — болдырмау.
broadcasts-compose-caption-needed = Фотоға жазу қосыңыз: таратылымдағы фото мәтінмен болуы керек.
broadcasts-compose-unsupported = Таратылым мәтін немесе жазуы бар фото бола алады. Солардың бірін жіберіңіз.
broadcasts-buttons-prompt =
    Түймелер қосасыз ба? Әр жолға біреуден:
    Атауы | https://сілтеме — сілтеме түймесі
    Атауы — басылуы есептелетін түйме
broadcasts-button-no-buttons = Түймесіз
broadcasts-buttons-invalid = Түймелерді оқу мүмкін болмады. Әр жолға біреуден, 10-нан аспайтын: «Атауы | https://сілтеме» немесе жай «Атауы».
broadcasts-audience-prompt = Кімге жіберу керек?
broadcasts-audience-everyone = 👥 Барлығына
broadcasts-audience-language = 🌐 Тіл бойынша
broadcasts-audience-tag = 🏷 Белгі бойынша
broadcasts-audience-ids = 🔢 Id тізімі
broadcasts-audience-not = Мыналардан басқа: { $segment }
broadcasts-audience-language-prompt = Қай тіл?
broadcasts-audience-tag-prompt = Белгілерді бос орын немесе үтір арқылы жіберіңіз.
broadcasts-audience-ids-prompt = Алушылардың Telegram id-лерін бос орын, үтір арқылы немесе жаңа жолдан жіберіңіз.
broadcasts-audience-ids-invalid = Бұлар Telegram id емес. Сандарды бос орын немесе үтір арқылы жіберіңіз.
broadcasts-audience-param-days = Күн санын жіберіңіз.
broadcasts-audience-param-amount = Соманы жіберіңіз.
broadcasts-audience-param-text = Мәнді жіберіңіз (100 таңбаға дейін).
broadcasts-audience-param-number = Бүтін сан жіберіңіз.
broadcasts-audience-empty = Бұл аудиторияға ешкім сәйкес келмейді (ботты бұғаттағандар мен жазылымнан бас тартқандар есепке алынбайды). Басқасын таңдаңыз.
broadcasts-audience-language-is = тіл: { $languages }
broadcasts-audience-tag-is = белгілер: { $tags }
broadcasts-audience-ids-are = { $count } id тізімі
broadcasts-preview-title = 👁 Алдын ала қарау — алушылар хабарламаны осылай көреді:
broadcasts-preview-failed = Telegram хабарламаны қабылдамады: { $details }. Оны түзетіп, қайталап көріңіз.
broadcasts-confirm =
    №{ $id } таратылым дайын.
    Аудитория: { $audience } — алушылар саны: { $size }.
    Қазір жіберу ме, әлде жоспарлау ма?
broadcasts-confirm-use-buttons = Жоғарыдағы түймелерді пайдаланыңыз: жіберу, жоспарлау немесе жою.
broadcasts-button-send-now = 🚀 Қазір жіберу
broadcasts-button-schedule = 🕒 Жоспарлау
broadcasts-button-unsubscribe-on = 🔕 «Жазылымнан шығу» түймесі: бар
broadcasts-button-unsubscribe-off = 🔕 «Жазылымнан шығу» түймесі: жоқ
broadcasts-button-paid-on = ⭐ Ақылы жылдам жіберу: қосулы
broadcasts-button-paid-off = ⭐ Ақылы жылдам жіберу: өшірулі
broadcasts-button-preview = 👁 Қайта көрсету
broadcasts-button-discard = ✖ Жою
broadcasts-schedule-prompt = Қашан жіберу керек? Уақытты жіберіңіз ({ $timeZone }): «2025-12-31 18:00», «31.12 18:00» немесе жай «18:00».
broadcasts-schedule-invalid = Уақытты оқу мүмкін болмады. Мысалдар: «2025-12-31 18:00», «31.12 18:00», «18:00» ({ $timeZone }).
broadcasts-scheduled = 🕒 №{ $id } таратылым { $at } уақытына жоспарланды ({ $timeZone }).
broadcasts-started = 🚀 №{ $id } таратылым жіберілуде, алушылар саны: { $count }. Барысы төменде.
broadcasts-discarded = Таратылым жойылды.
broadcasts-status-draft = 📝 №{ $id } таратылым: жоба
broadcasts-status-scheduled = 🕒 №{ $id } таратылым: жоспарланған
broadcasts-status-sending = 📣 №{ $id } таратылым: жіберілуде
broadcasts-status-paused = ⏸ №{ $id } таратылым: кідіртілген
broadcasts-status-done = ✅ №{ $id } таратылым: аяқталды
broadcasts-status-cancelled = ✖ №{ $id } таратылым: тоқтатылды
broadcasts-progress = Жіберілді: { $sent } · ботты бұғаттағандар: { $blocked } · қателер: { $failed } · қалғаны: { $total } ішінен { $remaining }
broadcasts-eta = Шамамен қалған уақыт: { $eta }
broadcasts-button-pause = ⏸ Кідірту
broadcasts-button-resume = ▶ Жалғастыру
broadcasts-button-cancel = ✖ Тоқтату
broadcasts-pause-done = Кідіртілді.
broadcasts-resume-done = Жалғастырылды.
broadcasts-cancel-done = Тоқтатылды. Жіберілген хабарламалар алушыларда қалады.
broadcasts-error-invalid = Таратылым қате құрастырылған: { $details }
broadcasts-error-wrong-status = Бұл таратылымды енді бұлай өзгертуге болмайды.
broadcasts-error-past-time = Бұл уақыт өтіп кетті. Болашақтағы уақытты жіберіңіз.
broadcasts-error-far-time = Таратылымды бір жылдан асырмай жоспарлауға болады.
broadcasts-error-unknown-segment = Бұл аудитория енді қолжетімсіз. Басқасын таңдаңыз.
broadcasts-unsubscribe-button = 🔕 Жазылымнан шығу
broadcasts-unsubscribed = Сіз енді таратылымдар алмайсыз. Қайта алу үшін /subscribe жіберіңіз.
broadcasts-resubscribed = Сіз таратылымдарды қайта аласыз.
broadcasts-button-thanks = Рақмет!
broadcasts-report = 📣 Аяқталған таратылымдар: { $count }, жеткізілген хабарламалар: { $delivered }
