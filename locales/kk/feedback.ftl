# Қабылдаудан кейінгі пікір (NPS индексі).
feedback-question =
    Қабылдау қалай өтті? ({ $service }, { $doctor })

    Біздің клиниканы достарыңыз бен жақындарыңызға ұсынуыңыз қаншалықты ықтимал? 0 — мүлдем ұсынбаймын, 10 — міндетті түрде ұсынамын.
feedback-thanks-toast = Рақмет!
feedback-ask-comment =
    Сіздің бағаңыз: { $score }. Рақмет!

    Толығырақ айтқыңыз келе ме? Пікіріңізді жазыңыз немесе «Өткізіп жіберу» батырмасын басыңыз.
feedback-button-skip = Өткізіп жіберу
feedback-thanks = 🙏 Пікіріңіз үшін рақмет!
feedback-already = Сіз бұл қабылдауды бағалап қойғансыз: { $score }.
feedback-text-only = Пікіріңізді мәтінмен жазыңыз.
feedback-staff-alert =
    ⚠️ №{ $id } қабылдауға төмен баға: { $score }/10
    Пациент: { $patient }
    { $service } · { $doctor } · { $branch }
    { $time }
feedback-staff-alert-comment =
    ⚠️ { $patient } №{ $id } қабылдауға қойған { $score }/10 бағасына түсініктеме:
    { $comment }
feedback-report = NPS: { $nps } ({ $responses } жауап)
