# Байланыс және қолдау.
menu-support = 💬 Бізбен байланыс
command-support = Бізбен байланысу
support-title = 💬 Бізбен қалай байланысуға болады:
support-telegram = Telegram: { $username }
support-phone = Телефон: { $phone }
support-email = E-mail: { $email }
support-write = ✍️ Осында жазу
support-open-chat = Қолдау қызметімен чатты ашу
support-write-prompt = Хабарламаңызды жазыңыз (мәтін, фото немесе файл) — мен оны командамызға жеткіземін. /cancel — тоқтату.
support-sent = ✅ Жіберілді! Жақында жауап береміз.
support-unsupported = Мәтін, фото немесе файл жіберіңіз.
support-too-long = Тым ұзын: { $max } таңбадан аспауы керек.
support-staff-header = ✉️ { $name } хабарламасы ({ $username }, id { $id }):
support-reply-received =
    💬 Командамыздың жауабы:

    { $text }
support-closed-by-staff = Сұрағыңызды жаптық. Тағы көмек керек болса, бізге қайта жазыңыз.
support-write-again = ✍️ Жауап беру
