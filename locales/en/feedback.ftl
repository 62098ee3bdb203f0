# Feedback after a visit (Net Promoter Score).
feedback-question =
    How was your visit? ({ $service }, { $doctor })

    How likely are you to recommend our clinic to your friends and family? 0 means not at all, 10 means certainly.
feedback-thanks-toast = Thank you!
feedback-ask-comment =
    Your score: { $score }. Thank you!

    Would you like to tell us more? Write a comment, or press Skip.
feedback-button-skip = Skip
feedback-thanks = 🙏 Thank you for your feedback!
feedback-already = You have already rated this visit: { $score }.
feedback-text-only = Please write your comment as text.
feedback-staff-alert =
    ⚠️ Low score { $score }/10 for visit №{ $id }
    Patient: { $patient }
    { $service } · { $doctor } · { $branch }
    { $time }
feedback-staff-alert-comment =
    ⚠️ Comment on the score { $score }/10 for visit №{ $id } from { $patient }:
    { $comment }
feedback-report = NPS: { $nps } ({ $responses } answers)
