"""cancelsim_record: record a real AnyIO program's run as a cancelsim trace.

    python3 -m cancelsim_record [--backend asyncio|trio] [--virtual-time] [-o TRACE.jsonl] SCRIPT.py

A program may call log() to put a line in the trace's log (print() does too
while it is recorded).  Outside a recording log() does nothing.
"""
from .recorder import log, record_script  # noqa: F401

__all__ = ["log", "record_script"]
