menu-faq = ❓ FAQ
faq-title = Frequently asked questions. Choose a question:
faq-empty = There are no questions here yet.
faq-back = « All questions
command-faq = Frequently asked questions
