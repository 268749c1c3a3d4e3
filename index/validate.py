"""Is this text a question we can search? Standard library only, so the bot can check at its edge.

Each front end checks a question here once, where it can reply at once (the bot before the question
takes a place in its user's line, the CLI before a search), and passes the checked text to
`QAService.ask`, which does not check it again.
"""

from __future__ import annotations

from index.errors import BadQuestion

__all__ = ["MAX_QUESTION", "validate_question"]

MAX_QUESTION = 500  # characters; longer text is not a question but a pasted document


def validate_question(question: str) -> str:
    """The question as searched (spacing folded), or BadQuestion with a message that says what to send instead."""
    text = " ".join(question.split())
    if not text:
        raise BadQuestion("问题是空的。请发一个问题，例如：消薄飞地累计返利多少？")
    if len(text) > MAX_QUESTION:
        raise BadQuestion(f"问题太长（{len(text)} 字）。请把问题缩短到 {MAX_QUESTION} 字以内。")
    if not any(c.isalnum() for c in text):
        raise BadQuestion("没有看懂这个问题。请用文字提问，例如：余姚派出了多少技术人才？")
    return text
