# Telegram Mini App: чаттан ашылатын дүкен сөресі.
command-shop = Дүкенді ашу
miniapp-open = 🛍 Дүкенді ашу
miniapp-menu-button = Дүкен
miniapp-invite = Каталогты қарап, себетті толтырып, тапсырысты дүкен қосымшасында рәсімдеңіз. Себет чатта да, қосымшада да бірдей.
miniapp-unavailable = Дүкен қосымшасы мұнда әзірге қолжетімсіз. Чаттағы каталог: /catalog.
miniapp-open-booking = 📅 Онлайн жазылу
miniapp-menu-button-booking = Жазылу
miniapp-open-print = 🧊 Бағаны онлайн есептеу
miniapp-menu-button-print = Баға
