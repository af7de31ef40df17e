"""Building bad problem files from good ones: set or drop keys by dotted path."""

import copy

DROP = object()  # an edit that deletes the key


def edited(raw, edits):
    """``raw`` with each dotted key (``instruments.0.maturity``) set to a value or dropped."""
    raw = copy.deepcopy(raw)
    for dotted, value in edits.items():
        *parents, last = [int(k) if k.isdigit() else k for k in dotted.split(".")]
        node = raw
        for key in parents:
            node = node[key]
        if value is DROP:
            del node[last]
        else:
            node[last] = value
    return raw
