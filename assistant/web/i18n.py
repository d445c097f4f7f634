"""Interface labels in Chinese (the default) and English; the report itself is never translated."""

from __future__ import annotations

import re

LANGUAGES = ("zh", "en")
LANGUAGE_CHOICES = [("中文", "zh"), ("English", "en")]

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "报告研究助手",
        "backend": "后端",
        "paragraph_count": "共 {count} 段",
        "chat": "对话",
        "chat_placeholder": "就这份报告提问，回答会引用原文段落，点击引用即可查看原文。",
        "question": "问题",
        "question_placeholder": "例如：区域组织在预警方面能做什么？（回车发送）",
        "send": "发送",
        "new_conversation": "新对话",
        "export": "导出对话（Markdown）",
        "language": "界面语言",
        "source_tab": "来源",
        "report_tab": "报告全文",
        "source_hint": "点击回答中的引用（如「第18段」），这里会显示整段原文，并标出支撑回答的句子。",
        "paragraph": "第{number}段",
        "in_context": "在全文中查看 →",
        "footnotes": "脚注",
        "sources": "来源：",
        "nearest": "最接近的段落：",
        "refusal_panel": "报告没有直接回答这个问题。以下是最接近的段落：",
        "unknown_paragraph": "报告中没有第{number}段。",
        "empty_question": "请输入问题。",
        "failed": "抱歉，回答时出错了（{error}）。请再试一次。",
        "thinking": "正在查找…",
        "rated_up": "已记录 👍。",
        "rated_down": "已记录 👎。",
        "comment_prompt": "可以补充说明原因（可选）：",
        "comment": "评论",
        "comment_placeholder": "哪里不对？缺了什么？",
        "comment_submit": "提交评论",
        "comment_saved": "谢谢，评论已保存。",
        "contents": "目录",
        "export_title": "对话记录",
        "export_meta": "导出时间：{time}　后端：{backend}",
        "export_question": "问题 {number}",
        "export_answer": "回答",
        "export_cited": "引用的段落",
        "export_nearest": "最接近的段落",
        "export_empty": "（对话为空）",
    },
    "en": {
        "title": "Report research assistant",
        "backend": "Backend",
        "paragraph_count": "{count} paragraphs",
        "chat": "Conversation",
        "chat_placeholder": "Ask about the report. Answers cite its paragraphs; click a citation to read the source.",
        "question": "Question",
        "question_placeholder": "e.g. What can regional organizations do for early warning? (Enter to send)",
        "send": "Send",
        "new_conversation": "New conversation",
        "export": "Export conversation (Markdown)",
        "language": "Interface language",
        "source_tab": "Source",
        "report_tab": "Full report",
        "source_hint": "Click a citation in an answer (such as 「第18段」, paragraph 18) to see the whole "
        "paragraph here, with the supporting sentences highlighted.",
        "paragraph": "Paragraph {number}",
        "in_context": "Show in the full report →",
        "footnotes": "Footnotes",
        "sources": "Sources: ",
        "nearest": "Nearest paragraphs: ",
        "refusal_panel": "The report does not answer this directly. These are the nearest paragraphs:",
        "unknown_paragraph": "The report has no paragraph {number}.",
        "empty_question": "Please enter a question.",
        "failed": "Sorry, something went wrong while answering ({error}). Please try again.",
        "thinking": "Searching…",
        "rated_up": "Recorded 👍.",
        "rated_down": "Recorded 👎.",
        "comment_prompt": "You can add a comment (optional):",
        "comment": "Comment",
        "comment_placeholder": "What was wrong or missing?",
        "comment_submit": "Save comment",
        "comment_saved": "Thank you, your comment was saved.",
        "contents": "Contents",
        "export_title": "Conversation",
        "export_meta": "Exported: {time}  Backend: {backend}",
        "export_question": "Question {number}",
        "export_answer": "Answer",
        "export_cited": "Cited paragraphs",
        "export_nearest": "Nearest paragraphs",
        "export_empty": "(empty conversation)",
    },
}

EXAMPLE_QUESTIONS = [
    "区域组织在预警方面能做什么？",
    "非洲联盟在保护责任方面发挥了什么作用？",
    "第12段讲了什么？",
    "Which regional organizations are mentioned?",
    "What does paragraph 30 say?",
]


def text(language: str, key: str, **values: object) -> str:
    """The label `key` in `language` (falling back to Chinese), with `{placeholders}` filled in."""
    labels = LABELS.get(language, LABELS["zh"])
    return labels[key].format(**values) if values else labels[key]


def preferred_language(accept_language: str | None) -> str:
    """The interface language a browser asks for: of the `Accept-Language` ranges naming Chinese or English,
    the one with the highest weight (the first on a tie); Chinese when it names neither.

    >>> preferred_language("en-GB,en;q=0.9,zh-CN;q=0.8")
    'en'
    >>> preferred_language("fr-FR,fr;q=0.9")
    'zh'
    """
    best, best_weight = "zh", 0.0
    for part in (accept_language or "").split(","):
        tag, _, parameters = part.strip().partition(";")
        language = re.split(r"[-_]", tag.strip().lower())[0]
        if language not in LANGUAGES:
            continue
        weight = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if 0.0 < weight <= 1.0 and weight > best_weight:
            best, best_weight = language, weight
    return best
