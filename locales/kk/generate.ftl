# Ақылы демо-тапсырма.
command-generate = Ақылы тапсырманы іске қосу: /generate <сұраныс>
menu-generate = ✨ Генерациялау
generate-ask = Не салайын? Суретті бір хабарламамен сипаттаңыз. Құны — { $cost } токен.
generate-insufficient = Токен жеткіліксіз: тапсырма { $cost } тұрады, балансыңызда { $balance }.
generate-started = 🕐 Тапсырма кезекте ({ $cost } токен жұмсалды, баланс { $balance })
    { $bar }
generate-progress = ⏳ Генерациялап жатырмын…
    { $bar }
generate-done = ✅ Дайын: { $result }
    ({ $cost } токен жұмсалды)
generate-done-picture = ✅ Дайын — сурет төменде.
    ({ $cost } токен жұмсалды)
generate-picture-caption = 🎨 «{ $prompt }»
    { $cost } токен жұмсалды.
generate-again-button = ✨ Тағы бір рет
generate-failed = ❌ Тапсырма орындалмады. { $cost } токен қайтарылды. Баланс: { $balance }.
