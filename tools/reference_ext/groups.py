"""Exception groups a scenario builds and raises itself (issue 18).

{"raise": "ExceptionGroup", "message": "m", "exceptions": [MEMBER, ...]} is
`raise ExceptionGroup("m", [...])`; each member is a raise object naming its
class (constructed, not raised) or a nested group.  The interpreter's
`raise` calls build() when the statement has "exceptions".
"""


def build(interp, st):
    cls = interp.classes[st["raise"]]
    if "exceptions" in st:
        return cls(st.get("message", ""), [build(interp, m) for m in st["exceptions"]])
    return cls(st["message"]) if "message" in st else cls()
