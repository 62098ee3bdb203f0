# The paid demo task.
command-generate = Run a paid task: /generate <prompt>
menu-generate = ✨ Generate
generate-ask = What should I draw? Describe the picture in one message. It costs { $cost } tokens.
generate-insufficient = Not enough tokens: the task costs { $cost }, your balance is { $balance }.
generate-started = 🕐 Queued ({ $cost } tokens spent, balance { $balance })
    { $bar }
generate-progress = ⏳ Generating…
    { $bar }
generate-done = ✅ Done: { $result }
    ({ $cost } tokens spent)
generate-done-picture = ✅ Done — the picture is below.
    ({ $cost } tokens spent)
generate-picture-caption = 🎨 “{ $prompt }”
    { $cost } tokens spent.
generate-again-button = ✨ Once more
generate-failed = ❌ The task failed. { $cost } tokens were returned. Balance: { $balance }.
