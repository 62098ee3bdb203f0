# Отчёты для персонала: /stats и /export собирают то, что даёт каждый модуль.
command-reports-stats = Статистика (персонал)
command-reports-export = Выгрузка в CSV и XLSX (персонал)
reports-staff-only = Эта команда доступна только сотрудникам.
reports-stats-title = 📊 Статистика
reports-export-choose = За какой период выгрузить?
reports-export-usage = Формат: /export [today|7d|30d|all|2026-01-31|2026-01-01..2026-01-31] [статус], например /export 30d
reports-export-period-today = Сегодня
reports-export-period-7d = 7 дней
reports-export-period-30d = 30 дней
reports-export-period-all = Все
