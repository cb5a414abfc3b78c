"""error.message / error.type / error.stack_trace from error objects, strings and stack traces."""

from __future__ import annotations

from tests.pipeline.steps.helpers import enrich

JAVA = (
    "payment failed\njava.lang.IllegalStateException: boom\n"
    "\tat a.B.c(B.java:10)\n\tat a.B.d(B.java:3)"
)
PYTHON = 'Traceback (most recent call last):\n  File "x.py", line 1, in <module>\nValueError: bad'


def test_node_error_object() -> None:
    """An {message, name, stack, code} object fills error.*; extra keys stay in app.error."""
    doc = enrich(
        {
            "error": {
                "message": "declined",
                "name": "CardError",
                "stack": "CardError: declined\n at x",
                "code": 402,
                "card": "visa",
            }
        }
    )
    expected = {
        "message": "declined",
        "type": "CardError",
        "stack_trace": "CardError: declined\n at x",
        "code": "402",
    }
    assert expected == doc["error"]
    assert {"error": {"card": "visa"}} == doc["app"]
    assert "error" == doc["event_type"]


def test_error_string_and_top_level_stack() -> None:
    """`err` as a string is the message; a top-level stack (list of frames) is joined."""
    doc = enrich({"err": "timeout", "stack": ["at a", "at b"]})
    assert {"message": "timeout", "stack_trace": "at a\nat b"} == doc["error"]
    assert "app" not in doc


def test_java_stack_trace_joined_into_message() -> None:
    """A multiline Java stack trace splits into error.message (first line) and stack_trace."""
    doc = enrich({"level": "ERROR"}, message=JAVA)
    assert "payment failed" == doc["error"]["message"]
    assert JAVA.partition("\n")[2] == doc["error"]["stack_trace"]
    assert JAVA == doc["message"]


def test_python_traceback_is_a_stack_trace() -> None:
    """A Python traceback starting the message is the stack trace as a whole."""
    doc = enrich({}, message=PYTHON)
    assert PYTHON == doc["error"]["stack_trace"]
    assert "error" == doc["event_type"]


def test_plain_multiline_message_is_no_error() -> None:
    """Multiple lines without stack frames are not an error."""
    doc = enrich({}, message="line one\nline two")
    assert "error" not in doc
    assert "log" == doc["event_type"]


def test_error_that_is_neither_string_nor_object_stays() -> None:
    """`error: false` is kept in the app namespace, not turned into an error."""
    doc = enrich({"error": False})
    assert {"error": False} == doc["app"]
    assert "error" not in doc
