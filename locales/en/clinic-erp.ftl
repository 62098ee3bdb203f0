clinic-erp-paused = ⚠️ The clinic's system (ERP) is not answering: { $reason }. Patients are asked to try again later, and nothing is booked or changed in the bot meanwhile. Lavka tries again every { $seconds } s.
clinic-erp-resumed = ✅ The clinic's system (ERP) answers again: booking in the bot works as usual.
clinic-erp-unavailable = 😔 The clinic's system is not answering right now, so nothing was changed. Please try again in a few minutes.
