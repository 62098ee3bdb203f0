# The delivery engine: the admins' daily report.
delivery-report-title = 📊 { $business }: daily report for { $date }
delivery-report-users = 👥 New users: { $new } (total { $total })
delivery-report-messages = ✉️ Notifications and broadcasts: { $sent } delivered, { $failed } failed
delivery-report-section-failed = ⚠️ The { $module } section could not be prepared: { $error }
