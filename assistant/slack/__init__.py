"""The Slack surface: ask the report from Slack with cited, threaded answers and 👍/👎 feedback.

`python -m assistant.slack --mode http|socket` runs it (see the Slack section of README.md). Listeners are grouped
by surface — `events` (mentions, thread follow-ups, DMs), `commands` (the slash command), `actions`
(buttons) — each exposing `register(app, assistant)` and plain functions the tests call directly.
"""
