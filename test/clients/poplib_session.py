#!/usr/bin/env python3
"""One POP3 session with Python's poplib (a real, independent POP3 client).

Usage: poplib_session.py SPEC
SPEC is JSON: {"host", "port", "security": "plain"|"ssl", "steps": [[op, args...], ...]} with op one of stls capa user pass auth_plain auth_plain_continued
stat list uidl retr top dele rset noop quit drop. Each step's outcome is printed as one JSON
list: {"ok": true, "result": ...} or {"ok": false, "error": "-ERR ..."}; message bodies (retr,
top) as base64 of the lines joined with CRLF, each line ended by CRLF, as the client un-stuffed them.
"""
import base64
import json
import poplib
import ssl
import sys


def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (list, tuple)):
        return [text(v) for v in value]
    if isinstance(value, dict):
        return {text(k): text(v) for k, v in value.items()}
    return value


def body(lines):
    return base64.b64encode(b"".join(line + b"\r\n" for line in lines)).decode()


def plain(user, password):
    return base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()


def run(p, ctx, op, args):
    if op == "stls":
        return p.stls(context=ctx)
    if op == "capa":
        return p.capa()
    if op == "user":
        return p.user(args[0])
    if op == "pass":
        return p.pass_(args[0])
    if op == "auth_plain":  # RFC 5034 with an initial response; poplib has no AUTH of its own
        return p._shortcmd("AUTH PLAIN " + plain(args[0], args[1]))
    if op == "auth_plain_continued":  # the same after an empty "+ " challenge
        challenge = p._shortcmd("AUTH PLAIN")
        return [challenge, p._shortcmd(plain(args[0], args[1]))]
    if op == "stat":
        return list(p.stat())
    if op in ("list", "uidl"):
        if args:
            return getattr(p, op)(args[0])
        return getattr(p, op)()[1]
    if op == "retr":
        _, lines, octets = p.retr(args[0])
        return {"body": body(lines), "octets": octets}
    if op == "top":
        _, lines, _ = p.top(args[0], args[1])
        return {"body": body(lines)}
    if op == "dele":
        return p.dele(args[0])
    if op == "rset":
        return p.rset()
    if op == "noop":
        return p.noop()
    if op == "quit":
        return p.quit()
    if op == "drop":  # the connection ends without QUIT: no UPDATE state
        p.sock.close()
        return None
    raise ValueError(op)


def main() -> None:
    spec = json.loads(sys.argv[1])
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the server's self-signed certificate
    if spec.get("security") == "ssl":
        p = poplib.POP3_SSL(spec["host"], spec["port"], context=ctx, timeout=30)
    else:
        p = poplib.POP3(spec["host"], spec["port"], timeout=30)
    out = [{"ok": True, "result": text(p.getwelcome())}]
    for op, *args in spec["steps"]:
        try:
            out.append({"ok": True, "result": text(run(p, ctx, op, args))})
        except poplib.error_proto as e:
            out.append({"ok": False, "error": text(e.args[0])})
        if op in ("quit", "drop"):
            break
    print(json.dumps(out))


if __name__ == "__main__":
    main()
