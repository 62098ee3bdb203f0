# Хабарламаларды жеткізу: әкімшілерге күнделікті есеп.
delivery-report-title = 📊 { $business }: { $date } күнгі есеп
delivery-report-users = 👥 Жаңа пайдаланушылар: { $new } (барлығы { $total })
delivery-report-messages = ✉️ Хабарламалар мен таратылымдар: { $sent } жеткізілді, { $failed } жеткізілмеді
delivery-report-section-failed = ⚠️ «{ $module }» бөлімін дайындау мүмкін болмады: { $error }
