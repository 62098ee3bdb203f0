# Қызметкерлерге арналған есептер: /stats пен /export әр модульдің үлесін жинайды.
command-reports-stats = Статистика (қызметкерлер)
command-reports-export = CSV және XLSX түрінде экспорттау (қызметкерлер)
reports-staff-only = Бұл команда тек қызметкерлерге арналған.
reports-stats-title = 📊 Статистика
reports-export-choose = Қай кезеңді экспорттайын?
reports-export-usage = Пішім: /export [today|7d|30d|all|2026-01-31|2026-01-01..2026-01-31] [мәртебе], мысалы /export 30d
reports-export-period-today = Бүгін
reports-export-period-7d = 7 күн
reports-export-period-30d = 30 күн
reports-export-period-all = Барлығы
