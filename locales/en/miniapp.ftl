# The Telegram Mini App: the storefront opened from the chat.
command-shop = Open the shop app
miniapp-open = 🛍 Open shop
miniapp-menu-button = Shop
miniapp-invite = Browse the catalogue, fill your cart and order in the shop app. Your cart is the same here and there.
miniapp-unavailable = The shop app is not available here yet. Use /catalog to browse in the chat.
miniapp-open-booking = 📅 Book online
miniapp-menu-button-booking = Book
miniapp-open-print = 🧊 Get a price online
miniapp-menu-button-print = Price
