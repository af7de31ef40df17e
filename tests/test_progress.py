"""Progress bars: drawn on a terminal, silent when standard error is not one or when off."""

import io
import sys

from ldi.progress import progress


class Terminal(io.StringIO):
    """A standard error that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def run(monkeypatch, stream, enabled=True):
    monkeypatch.setattr(sys, "stderr", stream)
    items = list(progress(range(5), 5, "steps", enabled))
    return items, stream.getvalue()


def test_a_terminal_sees_the_bar_and_the_items_pass_through(monkeypatch):
    items, drawn = run(monkeypatch, Terminal())
    assert items == [0, 1, 2, 3, 4]
    assert "steps" in drawn
    assert "/5 [" in drawn  # the bar counts the 5 steps


def test_a_log_or_pipe_sees_nothing(monkeypatch):
    items, drawn = run(monkeypatch, io.StringIO())
    assert items == [0, 1, 2, 3, 4]
    assert drawn == ""


def test_a_disabled_bar_is_silent_on_a_terminal(monkeypatch):
    _, drawn = run(monkeypatch, Terminal(), enabled=False)
    assert drawn == ""
