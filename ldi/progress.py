"""Progress bars for work that takes more than a moment: on a terminal, quiet otherwise.

Bars go to standard error and disappear when done, so standard output keeps only results;
when standard error is not a terminal (a log, a pipe, CI) nothing is drawn.
"""

from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress_bar(total: int, description: str, enabled: bool = True) -> tqdm:
    """A bar of ``total`` steps; drawn only when ``enabled`` and standard error is a TTY."""
    return tqdm(total=total, desc=description, disable=None if enabled else True, leave=False)


def progress(items: Iterable[T], total: int, description: str, enabled: bool = True) -> Iterator[T]:
    """``items`` with a bar of ``total`` steps (see ``progress_bar``)."""
    with progress_bar(total, description, enabled) as bar:
        for item in items:
            yield item
            bar.update(1)
