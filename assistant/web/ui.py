"""The Gradio page: layout, and the wiring of events to the plain functions in `handlers`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.engine import Engine
from assistant.feedback import FeedbackStore
from assistant.web import handlers, render
from assistant.web.assets import CITE_BRIDGE_ID, CSS, JS, REPORT_TAB_ID, offline_theme
from assistant.web.handlers import ChatView, FeedbackView, Session, WebContext
from assistant.web.i18n import EXAMPLE_QUESTIONS, LANGUAGE_CHOICES, preferred_language, text

ANSWER_CONCURRENCY = 16
CACHE_CLEANUP = (3600, 86400)  # every hour, delete cached export copies older than a day


class AssistantBlocks(gr.Blocks):
    """Blocks whose `launch()` defaults to the offline theme, the stylesheet and the citation script."""

    def launch(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("theme", offline_theme())
        kwargs.setdefault("css", CSS)
        kwargs.setdefault("js", JS)
        return super().launch(*args, **kwargs)


def build_ui(engine: Engine, feedback: FeedbackStore) -> AssistantBlocks:
    """The whole page for one engine; every browser session gets its own `Session` state."""
    context = WebContext(engine, feedback)
    report = context.report
    with AssistantBlocks(
        title=text("zh", "title"), fill_width=True, delete_cache=CACHE_CLEANUP, analytics_enabled=False
    ) as page:
        session = gr.State(Session())
        with gr.Row(equal_height=True):
            header = gr.Markdown(_header(context, "zh"), elem_id="header")
            language = gr.Radio(
                LANGUAGE_CHOICES, value="zh", label=text("zh", "language"), elem_id="language", scale=0, min_width=220
            )
        with gr.Row():
            with gr.Column(scale=3, min_width=420):
                chatbot = gr.Chatbot(
                    elem_id="chat",
                    label=text("zh", "chat"),
                    placeholder=text("zh", "chat_placeholder"),
                    examples=[{"text": question} for question in EXAMPLE_QUESTIONS],
                    height=560,
                    buttons=["copy"],
                    feedback_options=("Like", "Dislike"),
                )
                with gr.Row(equal_height=True):
                    question = gr.Textbox(
                        show_label=False,
                        placeholder=text("zh", "question_placeholder"),
                        elem_id="question",
                        lines=1,
                        max_lines=6,
                        scale=6,
                        autofocus=True,
                    )
                    send = gr.Button(text("zh", "send"), variant="primary", elem_id="send", scale=1, min_width=90)
                note = gr.Markdown("", elem_id="input-note")
                feedback_note = gr.Markdown("", elem_id="feedback-note")
                with gr.Row(visible=False, elem_id="comment-row") as comment_row:
                    comment = gr.Textbox(
                        label=text("zh", "comment"), placeholder=text("zh", "comment_placeholder"), scale=5
                    )
                    comment_send = gr.Button(text("zh", "comment_submit"), scale=1, min_width=110)
                with gr.Row():
                    new_button = gr.Button(text("zh", "new_conversation"), elem_id="new-conversation")
                    export_button = gr.DownloadButton(text("zh", "export"), interactive=False, elem_id="export")
            with gr.Column(scale=2, min_width=360), gr.Tabs(selected="source", elem_id="side-tabs") as tabs:
                with gr.Tab(text("zh", "source_tab"), id="source", elem_id="tab-source") as source_tab:
                    source = gr.HTML(handlers.source_html(context, Session()), elem_id="source-panel", js_on_load=None)
                with gr.Tab(text("zh", "report_tab"), id="report", elem_id=REPORT_TAB_ID) as report_tab:
                    browser = gr.HTML(render.report_browser(report, "zh"), elem_id="report-panel", js_on_load=None)
        bridge = gr.Textbox(visible="hidden", elem_id=CITE_BRIDGE_ID)

        chat_outputs = [session, chatbot, question, note, source, export_button]

        def ask(question_text: str, state: Session) -> Iterator[tuple[Any, ...]]:
            for view in handlers.respond(context, state, question_text):
                yield _chat_outputs(view)

        def ask_example(state: Session, selected: gr.SelectData) -> Iterator[tuple[Any, ...]]:
            yield from ask(str(selected.value.get("text", "")), state)

        answering: dict[str, Any] = {
            "concurrency_limit": ANSWER_CONCURRENCY,
            "concurrency_id": "answers",
            "show_progress": "hidden",
            "trigger_mode": "once",
        }
        gr.on([question.submit, send.click], ask, [question, session], chat_outputs, api_name="ask", **answering)
        chatbot.example_select(ask_example, [session], chat_outputs, api_visibility="private", **answering)

        def open_citation(payload: str, state: Session) -> tuple[Session, str, gr.Tabs]:
            state, panel = handlers.show_citation(context, state, payload)
            return state, panel, gr.Tabs(selected="source")

        bridge.change(open_citation, [bridge, session], [session, source, tabs], show_progress="hidden")

        feedback_outputs = [session, feedback_note, comment_row, comment]

        def like(state: Session, liked: gr.LikeData) -> tuple[Any, ...]:
            index = liked.index if isinstance(liked.index, int) else liked.index[0]
            return _feedback_outputs(handlers.rate(context, state, index, liked.liked))

        def save_comment(comment_text: str, state: Session) -> tuple[Any, ...]:
            return _feedback_outputs(handlers.add_comment(context, state, comment_text))

        chatbot.like(like, [session], feedback_outputs, show_progress="hidden")
        comment.submit(save_comment, [comment, session], feedback_outputs)
        comment_send.click(save_comment, [comment, session], feedback_outputs)

        def start_over(state: Session) -> tuple[Any, ...]:
            view = handlers.new_conversation(context, state)
            return (*_chat_outputs(view), "", gr.Row(visible=False))

        new_button.click(start_over, [session], [*chat_outputs, feedback_note, comment_row])
        chatbot.clear(start_over, [session], [*chat_outputs, feedback_note, comment_row])

        def relabel(choice: str, state: Session) -> tuple[Any, ...]:
            view = handlers.switch_language(context, state, choice)
            lang = view.session.language
            return (
                *_chat_outputs(view, lang),
                _header(context, lang),
                gr.Radio(label=text(lang, "language")),
                gr.Button(text(lang, "send")),
                gr.Button(text(lang, "new_conversation")),
                gr.Tab(label=text(lang, "source_tab")),
                gr.Tab(label=text(lang, "report_tab")),
                render.report_browser(report, lang),
                gr.Textbox(label=text(lang, "comment"), placeholder=text(lang, "comment_placeholder")),
                gr.Button(text(lang, "comment_submit")),
            )

        language.change(
            relabel,
            [language, session],
            [
                *chat_outputs,
                header,
                language,
                send,
                new_button,
                source_tab,
                report_tab,
                browser,
                comment,
                comment_send,
            ],
            show_progress="hidden",
        )

        def browser_language(chosen: str, state: Session, request: gr.Request) -> Any:
            """The browser's language picks the interface's on load (the radio's change then relabels), unless
            the reader has already switched it or asked something."""
            if chosen != "zh" or state.exchanges:
                return gr.skip()
            return preferred_language(request.headers.get("accept-language"))

        page.load(browser_language, [language, session], [language], show_progress="hidden")
    return page


def _chat_outputs(view: ChatView, language: str | None = None) -> tuple[Any, ...]:
    """A `ChatView` as Gradio values; with `language`, the components' labels are relabelled too."""
    if language is None:
        chatbot: Any = view.messages
        question: Any = view.question
        export: Any = gr.DownloadButton(value=view.export, interactive=view.export is not None)
    else:
        chatbot = gr.Chatbot(
            value=view.messages, label=text(language, "chat"), placeholder=text(language, "chat_placeholder")
        )
        question = gr.Textbox(placeholder=text(language, "question_placeholder"))  # keeps what is typed
        export = gr.DownloadButton(text(language, "export"), value=view.export, interactive=view.export is not None)
    return view.session, chatbot, question, view.note, view.source, export


def _feedback_outputs(view: FeedbackView) -> tuple[Any, ...]:
    return view.session, view.note, gr.Row(visible=view.comment_open), ""


def _header(context: WebContext, language: str) -> str:
    report = context.report
    backend = context.engine.backend.description
    count = text(language, "paragraph_count", count=context.engine.paragraph_count)
    return (
        f"# {text(language, 'title')}\n"
        f"《{report.title}》 {report.symbol} · {count} · {text(language, 'backend')}: `{backend}`"
    )
