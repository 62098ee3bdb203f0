# Құжаттар: растамалар, анықтамалар, талдау нәтижелері, сұраулар.
documents-menu = 📄 Менің құжаттарым
documents-command = Құжаттарыңыз
documents-title = 📄 Сіздің құжаттарыңыз. Жүктеп алу үшін құжатты басыңыз.
documents-empty = Әзірге құжаттарыңыз жоқ. Мұнда жазылу растамалары мен клиника анықтамалары пайда болады.
documents-button-request = 📝 Анықтама сұрату
documents-button-download = 📥 Жүктеп алу
documents-button-skip = Өткізіп жіберу
documents-back = « Артқа
documents-not-available = Бұл құжат қолжетімсіз.
documents-need-registration = Анықтама сұрату үшін алдымен тіркеліңіз.
documents-request-choose = Сізге қандай анықтама керек?
documents-request-comment =
    📝 { $kind }

    Қажет болса, түсініктеме жазыңыз (мысалы, кезеңі немесе анықтама қайда керек екені), немесе «Өткізіп жіберу» батырмасын басыңыз.
documents-request-text-only = Түсініктемені мәтінмен жазыңыз.
documents-request-sent = ✅ №{ $id } сұрау жіберілді: { $kind }. Анықтама дайын болғанда хабарлаймыз.
documents-request-rejected = №{ $id } сұрауды ({ $kind }) орындау мүмкін емес. Толығырақ клиникадан біліңіз.
documents-new-document = 📄 Сізге жаңа құжат: { $title }
documents-confirmation-title = №{ $id } жазылуды растау
documents-cert-work = Жұмысқа арналған анықтама
documents-cert-school = Оқуға арналған анықтама
documents-cert-sport = Спортпен шұғылдануға арналған анықтама
documents-cert-pool = Бассейнге арналған анықтама
documents-cert-tax = Салықтық шегерімге арналған анықтама
documents-staff-request =
    📄 #R{ $id } Анықтама сұрауы: { $kind }
    Пациент: { $patient }, ЖСН { $iin }, { $phone }
    Түсініктеме: { $comment }

    Анықтаманы пациентке жіберу үшін осы хабарламаға анықтамамен (PDF немесе фото) жауап беріңіз.
documents-staff-request-closed = Бұл сұрау жабылып қойған.
documents-staff-wrong-type = Анықтаманы PDF немесе фото түрінде жіберіңіз.
documents-staff-uploaded = ✅ №{ $id } сұрау бойынша анықтама пациентке жіберілді.
documents-pdf-title = Қабылдауға жазылуды растау №{ $id }
documents-pdf-patient = Пациент
documents-pdf-iin = ЖСН
documents-pdf-birth-date = Туған күні
documents-pdf-service = Қызмет
documents-pdf-doctor = Дәрігер
documents-pdf-branch = Филиал
documents-pdf-time = Күні мен уақыты
documents-pdf-price = Құны
documents-pdf-paid = Төленді
documents-pdf-status = Күйі
documents-pdf-note-arrive = Қабылдауға 10 минут ерте келіп, жеке куәлігіңізді ала жүріңіз.
documents-pdf-note-cancel = Қабылдауды клиниканың Telegram-ботында, «Менің жазылуларым» бөлімінде ауыстыруға немесе одан бас тартуға болады.
documents-pdf-issued = Берілген уақыты: { $time }
documents-clinic-ready = 📄 Құжатыңыз дайын: { $title }. Алу үшін батырманы басыңыз.
documents-clinic-untitled = клиникадан келген құжат
documents-clinic-generated = ✅ Анықтамаңыз дайын: { $title }. Алу үшін батырманы басыңыз.
documents-button-get = 📥 Құжатты алу
