"""What every library call a command makes returns: a result that can say itself as the JSON scripts read
(``--json``), "ok" first. A step's result object (a dataclass with ``to_dict``) takes :class:`Result` as its
base; a call whose result is plain figures and paths returns a :class:`Summary`, a dict that is one."""

from __future__ import annotations

import json


class Result:
    """A result that can be written as JSON; subclasses give ``to_dict``."""

    def to_dict(self) -> dict:
        raise NotImplementedError

    def to_json(self) -> str:
        return json.dumps({"ok": True, **self.to_dict()}, ensure_ascii=False, indent=2, default=str)


class Summary(dict, Result):
    """A result that is a mapping of figures, names and paths."""

    def to_dict(self) -> dict:
        return dict(self)
