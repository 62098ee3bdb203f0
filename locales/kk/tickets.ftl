# Қолдау қызметіне өтініштер.
tickets-menu = 💬 Қолдау қызметі
tickets-command = Клиникаға жазу
tickets-home = 💬 Қолдау қызметі. Сұрағыңызды қойыңыз — клиника қызметкерлері осы жерде, ботта жауап береді.
tickets-button-new = ✍️ Клиникаға жазу
tickets-button-faq = ❓ Сұрақ-жауап
tickets-button-open = Өтінішті ашу
tickets-button-reply = ✍️ Жауап беру
tickets-button-close = ✅ Жабу
tickets-back = « Қолдау қызметі
tickets-write-prompt = Сұрағыңызды бір хабарламамен жазыңыз. Тоқтату үшін /cancel жіберіңіз.
tickets-reply-prompt = №{ $id } өтініш бойынша хабарламаңызды жазыңыз:
tickets-text-only = Мәтінмен жазыңыз.
tickets-created = ✅ №{ $id } өтініш жіберілді. Жауапты осы жерде, ботта аласыз.
tickets-sent = ✅ №{ $id } өтінішке қосылды.
tickets-thread-title = №{ $id } өтініш · { $status }
tickets-status-open = жауап күтуде
tickets-status-answered = жауап берілді
tickets-status-closed = жабық
tickets-author-you = Сіз
tickets-author-staff = Клиника
tickets-reply-received =
    💬 №{ $id } өтінішіңізге жауап:

    { $text }
tickets-closed-toast = Жабылды
tickets-closed-by-staff = №{ $id } өтініш жабылды. Сұрақтарыңыз болса, бізге қайта жазыңыз.
tickets-error-empty = Хабарлама бос.
tickets-error-too-long = Тым ұзын, қысқартыңыз.
tickets-error-closed = Бұл өтініш жабық.
tickets-error-not-found = Өтініш табылмады.
tickets-staff-new =
    { $who } жаңа өтініш жіберді:

    { $text }

    Пациентке жауап беру үшін осы хабарламаға жауап (reply) жазыңыз.
tickets-staff-more =
    { $who } тағы жазды:

    { $text }
tickets-staff-closed = { $who } өтінішті жапты.
tickets-staff-button-close = ✅ Өтінішті жабу
tickets-staff-sent = ✅ №{ $id } өтінішке жауап пациентке жіберілді.
