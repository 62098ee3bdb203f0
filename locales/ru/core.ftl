# Базовые тексты любого бота Lavka.
start-welcome = Здравствуйте, { $name }! Добро пожаловать в { $business }.
menu-title = { $business } — главное меню. Что вы хотите сделать?
menu-language = 🌐 Язык
menu-back-to-main = « Главное меню
menu-outdated = Это меню устарело. Вот актуальное.
help-title = Вот что я умею:
cancel-done = Отменено. Ничего не изменилось.
cancel-nothing = Отменять нечего.
language-choose = Выберите язык:
language-changed = Язык: русский.
fallback-unknown = Я не понял сообщение. Отправьте /start, чтобы открыть меню, или /help — список команд.
error-generic = У нас что-то пошло не так. Попробуйте ещё раз чуть позже.
error-unavailable = Сервис ненадолго недоступен. Пожалуйста, повторите через минуту.
flow-expired = Пока вы заполняли форму, она обновилась. Начните, пожалуйста, заново — ничего не потерялось.
pager-page = { $page }/{ $pages }
command-start = Главное меню
command-help = Что умеет бот
command-language = Сменить язык
command-cancel = Отменить текущее действие
payment-unknown-invoice = Этот счёт больше не действует. Деньги не списаны.
payment-unclaimed = Мы получили ваш платёж и передали его сотрудникам — они скоро свяжутся с вами.
flood-slow-down = Пожалуйста, помедленнее: вы отправляете сообщения быстрее, чем я успеваю отвечать. Я снова отвечу через { $seconds } { $seconds ->
    [one] секунду
    [few] секунды
   *[other] секунд
    }.
bot-description = { $business } в Telegram: выбирайте, заказывайте, оплачивайте и следите за заказами прямо здесь. Нажмите «Начать».
bot-short-description = { $business }: заказы, оплата и поддержка в Telegram.
