# Әмиян: токендер, пакеттер, тарих және қызметкер құралдары.
command-balance = Токен балансыңыз
command-buy = Токен сатып алу
command-pricing = Бағалар
command-history = Токендер тарихы
command-adjust = Балансты өзгерту: /adjust <id> <±сома> <себеп>
command-wallet-users = Пайдаланушылар және олардың балансы
command-transactions = Журналды жүктеу (transactions.csv)
command-health = Боттың күйі және бүгінгі төлемдер
menu-wallet-balance = 💰 Баланс
menu-wallet-buy = 🛒 Токен сатып алу
menu-wallet-history = 📜 Тарих
menu-wallet-pricing = 🏷 Бағалар

wallet-balance = 💰 Балансыңыз: { $balance } токен.
wallet-balance-button = 💰 Баланс
wallet-buy-button = 🛒 Токен сатып алу
wallet-history-button = 📜 Тарих
wallet-buy-title = Токен пакетін таңдаңыз:
wallet-pack-button = { $tokens } токен — { $prices }
wallet-pack-title = { $tokens } токен
wallet-pack-description = { $business } үшін { $tokens } токен. Төлемнен кейін бірден балансқа түседі.
wallet-topped-up = ✅ +{ $tokens } токен (№{ $id } төлем). Баланс: { $balance } токен.
wallet-pricing-title = 🏷 Токен пакеттері:
wallet-pricing-buy = Сатып алу: бір токен { $price }.
wallet-pricing-sell = Кері сатып алу: бір токен { $price }.
wallet-history-title = 📜 Токендеріңіздің тарихы:
wallet-history-empty = Токен қозғалысы әлі жоқ.
wallet-history-line = { $date } · { $amount } · { $kind } ({ $reason }) → { $balance }
wallet-kind-topup = толықтыру
wallet-kind-purchase = сатып алу
wallet-kind-spend = жұмсалды
wallet-kind-refund = қайтарым
wallet-kind-bonus = бонус
wallet-kind-adjustment = түзету
wallet-kind-reversal = сторно
wallet-segment-balance = Балансы кемінде N токен

wallet-adjust-usage = Қолданылуы: /adjust <пайдаланушы id> <±сома> <себеп>, мысалы /adjust 123456789 +50 өтемақы
wallet-adjusted = { $user } балансы { $amount } өзгерді. Жаңа баланс: { $balance }.
wallet-adjusted-credit = ➕ Сізге { $amount } токен есептелді.
    Себебі: { $reason }
    Баланс: { $balance }.
wallet-adjusted-debit = ➖ Балансыңыздан { $amount } токен шегерілді.
    Себебі: { $reason }
    Баланс: { $balance }.
wallet-staff-users-title = Әмияндар: { $count }. Пайдаланушыны таңдаңыз:
wallet-staff-users-empty = Әзірге ешкімде әмиян жоқ.
wallet-staff-user-button = { $name } — { $balance }
wallet-staff-user-card = 👤 { $name } (id { $id })
    Баланс: { $balance } токен
wallet-staff-custom = ✏️ Басқа сома
wallet-staff-back = « Пайдаланушылар
wallet-staff-custom-ask = { $user } пайдаланушысы үшін соманы және себебін жіберіңіз, мысалы «+250 өтемақы» немесе «-30 түзету».
wallet-staff-quick-reason = әкімшінің жылдам түзетуі
wallet-export-usage = Қолданылуы: /transactions [басы ЖЖЖЖ-АА-КК] [соңы ЖЖЖЖ-АА-КК] [пайдаланушы id]
wallet-export-caption = transactions.csv — жолдар: { $rows }
wallet-health = 📊 Күйі
    Пайдаланушылар: { $users }
    Әмияндар: { $accounts }, айналымдағы токендер: { $total }
    Бүгін төленді: { $paid }
    Тексеруді күтіп тұрған өтінімдер: { $pending }
    Төлем тәсілдері:
wallet-health-off = өшірулі
wallet-health-circuit-closed = жұмыс істеп тұр
wallet-health-circuit-open = ⛔ қолжетімсіз (сақтандырғыш ажыратылған)
wallet-health-circuit-half_open = ⚠️ ақаулардан кейін тексерілуде

wallet-error-insufficient_funds = Токен жеткіліксіз: балансыңызда { $balance }, қажеті { $required }.
wallet-error-invalid_amount = Сома нөлден өзге бүтін сан болуы керек.
wallet-error-already_reversed = Бұл қозғалыс бұрын сторноланған.
users-error-not_found = Мұндай id-мен пайдаланушы жоқ: ол ботқа әлі жазбаған. Ештеңе өзгертілген жоқ.
