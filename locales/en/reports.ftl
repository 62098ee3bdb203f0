# Staff reports: /stats and /export gather what each module contributes.
command-reports-stats = Statistics (staff)
command-reports-export = Export to CSV and XLSX (staff)
reports-staff-only = This command is for staff only.
reports-stats-title = 📊 Statistics
reports-export-choose = Which period should I export?
reports-export-usage = Usage: /export [today|7d|30d|all|2026-01-31|2026-01-01..2026-01-31] [status], e.g. /export 30d
reports-export-period-today = Today
reports-export-period-7d = 7 days
reports-export-period-30d = 30 days
reports-export-period-all = All
