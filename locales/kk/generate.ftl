# Ақылы демо-тапсырма.
command-generate = Ақылы тапсырманы іске қосу: /generate <сұраныс>
menu-generate = ✨ Генерациялау
generate-ask = Не генерациялайын? Сұранысты жіберіңіз. Құны — { $cost } токен.
generate-insufficient = Токен жеткіліксіз: тапсырма { $cost } тұрады, балансыңызда { $balance }.
generate-started = ⏳ Генерациялап жатырмын… ({ $cost } токен жұмсалды, баланс { $balance })
    { $bar }
generate-progress = ⏳ Генерациялап жатырмын…
    { $bar }
generate-done = ✅ Дайын: { $result }
    ({ $cost } токен жұмсалды)
generate-failed = ❌ Тапсырма орындалмады. { $cost } токен қайтарылды. Баланс: { $balance }.
