# Доставка сообщений: ежедневный отчёт администраторам.
delivery-report-title = 📊 { $business }: отчёт за { $date }
delivery-report-users = 👥 Новых пользователей: { $new } (всего { $total })
delivery-report-messages = ✉️ Уведомления и рассылки: доставлено { $sent }, не доставлено { $failed }
delivery-report-section-failed = ⚠️ Раздел «{ $module }» не удалось подготовить: { $error }
