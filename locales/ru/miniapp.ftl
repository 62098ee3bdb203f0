# Telegram Mini App: витрина, которая открывается из чата.
command-shop = Открыть магазин
miniapp-open = 🛍 Открыть магазин
miniapp-menu-button = Магазин
miniapp-invite = Смотрите каталог, собирайте корзину и оформляйте заказ в приложении магазина. Корзина в чате и в приложении одна.
miniapp-unavailable = Приложение магазина здесь пока недоступно. Каталог в чате: /catalog.
miniapp-open-booking = 📅 Записаться онлайн
miniapp-menu-button-booking = Запись
miniapp-open-print = 🧊 Рассчитать стоимость онлайн
miniapp-menu-button-print = Расчёт
