"""Request and response types shared by the sandbox's route modules."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Request:
    """One HTTP request as a route module sees it."""

    method: str
    path: str                       # path without the query string, percent-decoded
    query: dict[str, list[str]]     # repeated keys keep every value, in order
    headers: dict[str, str]         # lower-cased names
    body: bytes
    base_url: str                   # e.g. http://127.0.0.1:8765 (for absolute Link headers)
    world: Any                      # collector.sandbox.world.World
    date: dt.date                   # the simulated clock: the world is seen as of this day


@dataclass
class Response:
    """What a route module returns; dict or list bodies are sent as JSON."""

    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict[str, str] = field(default_factory=dict)
