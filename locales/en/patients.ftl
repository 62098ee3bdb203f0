# Patient registration and profile.
patients-menu = 👤 My profile
patients-command-profile = Your patient profile
patients-register-intro = To book a visit, please register as a patient: four short questions. Only the clinic sees your data.
patients-ask-name = Write your full name: surname, first name and, if you have one, patronymic.
patients-ask-phone = Share your phone number with the button below, or type it.
patients-share-contact = 📱 Share my number
patients-ask-birth = Your date of birth as DD.MM.YYYY (for example 05.03.1990).
patients-ask-iin = Your IIN: the 12 digits on your ID card.
patients-contact-not-yours = That is someone else's contact. Please share your own number with the button below.
patients-registered = ✅ You are registered.
patients-recognised = ✅ The clinic knows you already — no need to register again. Your details:
patients-profile =
    👤 Your profile
    Name: { $name }
    Phone: { $phone }
    Date of birth: { $birth }
    IIN: { $iin }
patients-not-registered = You are not registered as a patient yet. It takes a minute.
patients-register-button = 📝 Register
patients-edit-name = ✏️ Change name
patients-edit-phone = 📱 Change phone
patients-edit-birth = 🎂 Change date of birth and IIN
patients-updated = ✅ Saved.
patients-continue = Continue »
patients-error-name = Please write your surname and first name in letters, for example: Nurlanova Aigul.
patients-error-phone = That does not look like a phone number. Type it like { $example } or use the button.
patients-error-birth-date = That is not a possible date of birth. Write it as DD.MM.YYYY, for example 05.03.1990.
patients-error-iin-format = An IIN is exactly 12 digits. Please check it and send it again.
patients-error-iin-century = The 7th digit of an IIN shows the century of birth and the sex and is 1 to 6. Please check the number.
patients-error-iin-date = The first six digits of an IIN are the date of birth (YYMMDD), and these are not a real date. Please check the number.
patients-error-iin-check-digit = The last (check) digit of this IIN does not match the others, so there is probably a typo. Please check the number.
patients-error-iin-birth-mismatch = This IIN belongs to someone born on a different date from the one you entered. Please check both.
patients-error-iin-taken = This IIN is already registered to another patient. If it is yours, please contact the clinic.
patients-error-iin-not-accepted = The clinic's records do not accept this IIN ({ $reason }). Please check it, or contact the clinic.
