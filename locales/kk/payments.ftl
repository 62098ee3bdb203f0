# Төлемдер: төлем тәсілдері, шоттар, аударымдар, қайтарымдар.
command-paysupport = Төлем мен қайтарым бойынша көмек
command-pending = Тексеруді күтіп тұрған аударым өтінімдері
command-refund = Төлемді қайтару: /refund <нөмір>

payments-method-stars = ⭐ Telegram Stars
payments-method-card = 💳 Банк картасы
payments-method-heleket = 🪙 Криптовалюта (Heleket)
payments-method-qr = 📱 QR арқылы төлем
payments-method-manual = 🏦 Банк аударымы
payments-method-paused = ⏸ { $method } — уақытша қолжетімсіз
payments-provider-telegram_stars = Telegram Stars
payments-provider-telegram_card = карта төлемдерінің провайдері
payments-provider-heleket = Heleket
payments-provider-qr = QR төлемдері
payments-provider-manual = қолмен аударым

payments-choose-method = { $title }
    Бағасы: { $price }

    Төлем тәсілін таңдаңыз:
payments-no-methods = Қазір қолжетімді төлем тәсілі жоқ. Сәл кейінірек қайталап көріңіз.
payments-not-payable = Мұны енді төлеуге болмайды. Мәзірден қайта бастаңыз.
payments-method-unavailable = { $method } уақытша қолжетімсіз. Басқа тәсілді таңдаңыз.
payments-invoice-sent = { $amount } сомасына №{ $id } шот төменде. Ол { $minutes } мин жарамды.
payments-invoice-failed = ⚠️ Шотты жіберу мүмкін болмады, сондықтан әзірге төлейтін ештеңе жоқ және ештеңе есептен шығарылмады. Қайталап көріңіз немесе басқа тәсілді таңдаңыз.
payments-link = №{ $id } төлем: { $amount }.
    Төмендегі батырма арқылы Heleket-те криптовалютамен төлеңіз. Бот төлемді автоматты түрде растайды.
payments-open-link = 🔗 { $amount } төлеу
payments-check = 🔄 Төледім — тексеру
payments-check-pending = Төлем әлі түспеді. Жаңа ғана төлеген болсаңыз, бір минут күтіңіз: растау өзі келеді.
payments-check-paid = ✅ Төлем расталды.
payments-qr = №{ $id } төлем: { $amount }.
    Төмендегі QR-кодты банк қосымшасында сканерлеңіз. Төлем мақсаты: { $reference }
    Төлем автоматты түрде немесе әкімші арқылы расталады.
payments-qr-caption = { $amount } · { $reference }
payments-qr-failed = ⚠️ QR кодты жіберу мүмкін болмады, сондықтан әзірге сканерлейтін ештеңе жоқ және ештеңе есептен шығарылмады. Қайталап көріңіз немесе басқа тәсілді таңдаңыз.
payments-qr-receiver = Алушы: { $receiver }
payments-manual = №{ $id } аударым өтінімі: { $amount }

    { $requisites }

    Төлегеннен кейін түбіртектің суретін осында жіберіңіз. /cancel — тоқтату.
payments-receipt-expected = Түбіртектің суретін жіберіңіз (немесе /cancel).
payments-receipt-received = Түбіртек алынды. №{ $id } өтінім әкімшінің тексеруін күтуде — шешім шыққан бойда хабарлаймыз.
payments-paid = ✅ №{ $id } төлем алынды: { $amount }.
payments-received-processing = Төлем алынды және өңделуде — жақында хабарлама жібереміз.
payments-received-unmatched = Төлем алынды, бірақ оны тапсырыспен сәйкестендіре алмадық. Қолдау қызметіне хабарланды, олар сізбен байланысады.
payments-declined = ❌ №{ $id } аударым өтінімі ({ $amount }) қабылданбады.
    Себебі: { $reason }
payments-refunded = ↩️ №{ $id } төлем ({ $amount }) қайтарылды.
payments-wrong-amount = ⚠️ №{ $id } төлем бойынша түскен сома шотқа сәйкес келмейді. Әкімші сізбен байланысады.
payments-paysupport = Төлем немесе қайтарым туралы сұрақтар бар ма? Бізге жазыңыз: { $contacts }
    Төлем нөмірін көрсетіңіз.
payments-paysupport-here = Төлем немесе қайтарым туралы сұрақтар бар ма? Осында төлем нөмірін көрсетіп жазыңыз — әкімші жауап береді.

payments-precheckout-not_found = Бұл шот енді жарамсыз. Мәзірден қайта бастаңыз.
payments-precheckout-already_handled = Бұл шот бұрын төленген немесе жабылған.
payments-precheckout-expired = Шоттың мерзімі өтті. Мәзірден қайта бастаңыз.
payments-precheckout-price_changed = Баға өзгерді. Шотты қайта ашыңыз.
payments-precheckout-stars_not_allowed = Telegram Stars тек цифрлық тауарлар мен қызметтер үшін қабылданады. Басқа төлем тәсілін таңдаңыз.
payments-precheckout-not_payable = Бұл тауар енді қолжетімсіз.
payments-precheckout-timeout = Тапсырысты уақытында тексере алмадық. Қайталап көріңіз.

payments-approve = ✅ Растау
payments-decline = ❌ Қабылдамау
payments-approved-admin = ✅ №{ $id } өтінім расталды.
payments-already-handled = Бұл өтінім бойынша басқа әкімші шешім қабылдап қойған.
payments-decline-ask = №{ $id } өтінім неге қабылданбады? Себебін жазыңыз — оны клиент көреді.
payments-declined-admin = ❌ №{ $id } өтінім қабылданбады. Клиентке хабарланды.
payments-pending-title = Шешім күтіп тұрған өтінімдер: { $count }
payments-pending-empty = Шешім күтіп тұрған өтінім жоқ.
payments-pending-item = №{ $id } · { $amount } · { $method } · пайдаланушы { $user }
payments-refund-usage = Қолданылуы: /refund <төлем нөмірі>
payments-refund-done-telegram = ↩️ №{ $id } төлем ({ $amount }) Telegram арқылы қайтарылды.
payments-refund-done-manual = ↩️ №{ $id } төлемнің қайтарымы жазылды. Клиентке { $amount } сомасын { $provider } арқылы өзіңіз қайтарыңыз.
payments-refund-refused = Қайтару мүмкін емес: { $reason }
payments-refund-retrying = Telegram №{ $id } төлемнің қайтарымын әлі растаған жоқ; Лавка әрекетті жалғастырады.
payments-not-found = №{ $id } төлем табылмады.

payments-staff-receipt-card = 🧾 №{ $id } аударым өтінімі: ақша түскенде растаңыз.
payments-staff-receipt = 🧾 №{ $id } аударым өтінімі
    Пайдаланушы: { $user }
    Сомасы: { $amount }
    Тәсілі: { $method }
    Не үшін: { $title }
payments-staff-amount-mismatch = ⚠️ №{ $id } төлем ({ $provider }): { $received } түсті, { $expected } күтілген. Ештеңе есептелмеді.
payments-staff-unknown-charge = ⚠️ Ешбір тапсырысқа сәйкес келмейтін { $provider } { $charge } төлемі келді. Тексеріп, қажет болса қайтарыңыз.
payments-staff-paid-after-decline = ⚠️ Провайдер №{ $id } төлемді өтінім қабылданбағаннан кейін растады. Ештеңе есептелмеді, тексеріңіз.
payments-staff-event-failed = ⚠️ №{ $id } төлем оқиғасы { $attempts } әрекеттен кейін де өңделмеді: { $error }
payments-staff-wrong-amount = ⚠️ №{ $id } төлем ({ $provider }) қате сомамен төленді. Ештеңе есептелмеді — клиентпен байланысыңыз.
payments-staff-refund-failed = ⚠️ { $provider } №{ $id } төлемді ({ $amount }) қайтара алмады: ақша { $provider } шотында қалды. Қайтаруды сол жерден тексеріңіз.
payments-staff-refund-not-reversed = ⚠️ №{ $id } төлем ({ $amount }) { $provider } арқылы қайтарылды, бірақ төленген нәрсені болдырмау мүмкін болмады: { $reason }. Клиентпен реттеңіз.

payments-error-unexpected = Бірдеңе дұрыс болмады. Қайталап көріңіз.
payments-error-not_found = Төлем немесе өтінім табылмады.
payments-error-already_handled = Бұл өтінім бойынша шешім қабылданған.
payments-error-not_refundable = Бұл төлемді қазіргі күйінде ({ $status }) қайтаруға болмайды.
payments-error-refund_failed = Қайтару сәтсіз аяқталды: { $code }
payments-error-not_payable = Мұны енді төлеуге болмайды.
payments-error-stars_not_allowed = Telegram Stars тек цифрлық тауарлар мен қызметтер үшін қабылданады: басқа төлем тәсілін таңдаңыз.
payments-error-invalid_input = Енгізілген деректерді тексеріңіз.
payments-error-gateway_unavailable = Төлем қызметі қазір қолжетімсіз.
