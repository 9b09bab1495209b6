#!/usr/bin/env python3
"""One IMAP session with Python's imaplib (a real, independent IMAP client).

Usage: imaplib_session.py SPEC
SPEC is JSON: {"host", "port", "security": "plain"|"starttls"|"ssl", "steps": [[op, args...], ...]}.
op is an imaplib method name (login, list, select, examine, create, rename, delete, status,
store, copy, expunge, uid, noop, logout, enable, getquotaroot, ...) called with the args as
given, or "append" whose last argument is the message in base64, or "raw" to send
`_simple_command(name, *args)`. Mailbox names are given in UTF-8 and sent in modified UTF-7
unless UTF8=ACCEPT was enabled (imaplib does that itself then). Each outcome is printed as
one JSON list: {"ok": true, "typ": "OK", "data": [...]} or {"ok": false, "error": "..."};
the first outcome is the greeting (data: the capabilities).
"""
import base64
import imaplib
import json
import ssl
import sys


def mutf7(name):
    """RFC 3501 §5.1.3 modified UTF-7."""
    out, run = [], []

    def flush():
        if run:
            b = "".join(run).encode("utf-16-be")
            out.append("&" + base64.b64encode(b).decode().rstrip("=").replace("/", ",") + "-")
            run.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (list, tuple)):
        return " ".join(text(v) for v in value)
    return "" if value is None else str(value)


MAILBOX_ARGS = {"select": [0], "examine": [0], "create": [0], "delete": [0], "rename": [0, 1],
                "status": [0], "copy": [1], "subscribe": [0], "unsubscribe": [0], "getquotaroot": [0],
                "append": [0], "move": [1]}


def main():
    spec = json.loads(sys.argv[1])
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if spec["security"] == "ssl":
        m = imaplib.IMAP4_SSL(spec["host"], spec["port"], ssl_context=ctx)
    else:
        m = imaplib.IMAP4(spec["host"], spec["port"])
        if spec["security"] == "starttls":
            m.starttls(ssl_context=ctx)
    outcomes = [{"ok": True, "typ": "OK", "data": list(m.capabilities)}]
    utf8 = False
    for op, *args in spec["steps"]:
        try:
            for i in MAILBOX_ARGS.get(op, []):
                if i < len(args) and isinstance(args[i], str):
                    args[i] = '"' + (args[i] if utf8 else mutf7(args[i])) + '"'
            if op == "append":
                args[-1] = base64.b64decode(args[-1])
                typ, data = m.append(*args)
            elif op == "raw":
                typ, data = m._simple_command(*args)
                typ, data = m._untagged_response(typ, data, args[0])
            elif op == "move":
                typ, data = m._simple_command("MOVE", *args)
            else:
                typ, data = getattr(m, op)(*args)
            if op == "enable" and "UTF8=ACCEPT" in args:
                utf8 = True
            outcomes.append({"ok": True, "typ": typ, "data": [text(d) for d in (data or [])]})
        except Exception as e:  # noqa: BLE001 - report whatever the client raised
            outcomes.append({"ok": False, "error": str(e)})
        if op == "logout":
            break
    print(json.dumps(outcomes))


main()
