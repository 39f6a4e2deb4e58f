"""cancelsim_py - cancelsim's Python side: the translator from AnyIO programs
to scenarios (translate.py, also run by the `cancelsim` program for .py files)
and the pytest plugin (pytest_plugin.py)."""
