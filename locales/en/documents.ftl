# Documents: confirmations, certificates, lab results, requests.
documents-menu = 📄 My documents
documents-command = Your documents
documents-title = 📄 Your documents. Press one to download it.
documents-empty = You have no documents yet. Booking confirmations and the clinic's certificates will appear here.
documents-button-request = 📝 Request a certificate
documents-button-download = 📥 Download
documents-button-skip = Skip
documents-back = « Back
documents-not-available = This document is not available.
documents-need-registration = To request a certificate, please register first.
documents-request-choose = Which certificate do you need?
documents-request-comment =
    📝 { $kind }

    Add a comment if needed (for example, the period or where it is for), or press Skip.
documents-request-text-only = Please write the comment as text.
documents-request-sent = ✅ Request №{ $id } sent: { $kind }. We will let you know when the certificate is ready.
documents-request-rejected = Request №{ $id } ({ $kind }) cannot be fulfilled. Please contact the clinic for details.
documents-new-document = 📄 A new document for you: { $title }
documents-confirmation-title = Booking confirmation №{ $id }
documents-cert-work = Certificate for work
documents-cert-school = Certificate for school or university
documents-cert-sport = Certificate for sports
documents-cert-pool = Certificate for the swimming pool
documents-cert-tax = Certificate for the tax deduction
documents-staff-request =
    📄 #R{ $id } Certificate request: { $kind }
    Patient: { $patient }, IIN { $iin }, { $phone }
    Comment: { $comment }

    Reply to this message with the certificate (a PDF or a photo) to send it to the patient.
documents-staff-request-closed = This request is already closed.
documents-staff-wrong-type = Please send the certificate as a PDF or a photo.
documents-staff-uploaded = ✅ The certificate for request №{ $id } has been sent to the patient.
documents-pdf-title = Booking confirmation №{ $id }
documents-pdf-patient = Patient
documents-pdf-iin = IIN
documents-pdf-birth-date = Date of birth
documents-pdf-service = Service
documents-pdf-doctor = Doctor
documents-pdf-branch = Branch
documents-pdf-time = Date and time
documents-pdf-price = Price
documents-pdf-paid = Paid
documents-pdf-status = Status
documents-pdf-note-arrive = Please come 10 minutes early and bring your ID card.
documents-pdf-note-cancel = You can reschedule or cancel the visit in the clinic's Telegram bot, under “My appointments”.
documents-pdf-issued = Issued { $time }
documents-clinic-ready = 📄 Your document is ready: { $title }. Press the button to get it.
documents-clinic-untitled = a document from the clinic
documents-clinic-generated = ✅ Your certificate is ready: { $title }. Press the button to get it.
documents-button-get = 📥 Get the document
