# Корзина и оформление заказа.
menu-cart = 🧺 Корзина
command-cart = Ваша корзина
cart-open = 🧺 Корзина
cart-add = 🛒 В корзину
cart-title = 🧺 Ваша корзина
cart-empty = Корзина пуста. Загляните в каталог.
cart-line-quantity = №{ $number }: { $quantity } шт.
cart-total = Итого: { $total } ({ $units ->
    [one] { $units } товар
    [few] { $units } товара
   *[other] { $units } товаров
})
cart-clear = 🗑 Очистить
cart-checkout = ✅ Оформить заказ
cart-added = Добавлено: { $title }. В корзине: { $quantity }.
cart-removed = Удалено из корзины.
cart-cleared = Корзина очищена.
cart-not-enough-stock = К сожалению, в наличии осталось только { $available }.
cart-quantity-limit = Одного товара можно заказать не больше { $max } шт.
cart-too-many-lines = В корзине может быть не больше { $max } разных товаров.
cart-item-unavailable = Этот товар больше не продаётся.
orders-stats-funnel-cart = корзина

cart-checkout-start = Оформим заказ. На любом шаге можно отправить /cancel — корзина останется как есть.
cart-checkout-empty = Корзина пуста — заказывать нечего.
cart-checkout-cancelled = Оформление отменено. Корзина сохранена.
cart-checkout-stale = Это оформление уже завершено. Откройте корзину, чтобы начать заново.
cart-no-delivery = Сейчас заказать нельзя: в магазине не настроены способы доставки.
cart-ask-delivery = Как вы хотите получить заказ?
cart-delivery-pickup = 🏪 Самовывоз
cart-delivery-courier = 🚚 Курьер
cart-ask-pickup-point = Выберите пункт самовывоза:
cart-ask-address = Напишите адрес доставки (улица, дом, квартира):
cart-address-invalid = Напишите, пожалуйста, адрес длиной от { $min } до { $max } символов.
cart-ask-phone = Поделитесь номером телефона кнопкой ниже или напишите его (например, { $example }):
cart-share-contact = 📱 Поделиться номером
cart-phone-invalid = Это не похоже на номер телефона. Напишите его так: { $example } — или поделитесь контактом кнопкой ниже.
cart-phone-not-yours = Поделитесь, пожалуйста, своим контактом кнопкой ниже или напишите свой номер.
cart-ask-comment = Есть комментарий к заказу? Напишите его или нажмите «Пропустить».
cart-skip-comment = Пропустить
cart-comment-too-long = Комментарий слишком длинный: не больше { $max } символов, пожалуйста.
cart-issues-title = ⚠️ С тех пор как вы добавили товары в корзину, кое-что изменилось:
cart-issue-gone = • Один из товаров больше не продаётся и удалён из корзины.
cart-issue-sold-out = • { $title } закончился и удалён из корзины.
cart-issue-reduced = • { $title } осталось только { $to } шт.: количество изменено с { $from } на { $to }.
cart-issue-price = • Цена на { $title } изменилась: { $from } → { $to }.
cart-summary-title = Проверьте, пожалуйста, заказ:
cart-summary-fee = Доставка: { $fee }
cart-summary-fee-free = Доставка: бесплатно
cart-summary-total = Итого: { $total }
cart-summary-pickup = Самовывоз: { $point }
cart-summary-courier = Курьером по адресу: { $address }
cart-summary-phone = Телефон: { $phone }
cart-summary-comment = Комментарий: { $comment }
cart-summary-payment = Оплата: при получении
cart-summary-payment-choose = Оплата: онлайн или при получении — выберете сразу после подтверждения
cart-summary-payment-online = Оплата: онлайн, сразу после подтверждения
cart-confirm-order = ✅ Подтвердить заказ
cart-cancel-checkout = ✖️ Отменить оформление
cart-confirm-hint = Нажмите «✅ Подтвердить заказ», чтобы оформить его, или «✖️ Отменить оформление».
cart-order-placed = 🎉 Заказ { $number } оформлен! Сумма: { $total }. Мы сообщим, когда изменится его статус.
cart-order-next = Что дальше?
cart-delivery-fee-line = Доставка
cart-segment-abandoned = Оставили товары в корзине N дней назад
