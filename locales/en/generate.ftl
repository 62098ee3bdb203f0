# The paid demo task.
command-generate = Run a paid task: /generate <prompt>
menu-generate = ✨ Generate
generate-ask = What should I generate? Send a prompt. It costs { $cost } tokens.
generate-insufficient = Not enough tokens: the task costs { $cost }, your balance is { $balance }.
generate-started = ⏳ Generating… ({ $cost } tokens spent, balance { $balance })
    { $bar }
generate-progress = ⏳ Generating…
    { $bar }
generate-done = ✅ Done: { $result }
    ({ $cost } tokens spent)
generate-failed = ❌ The task failed. { $cost } tokens were returned. Balance: { $balance }.
