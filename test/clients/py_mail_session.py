#!/usr/bin/env python3
"""Drives Python's imaplib or poplib (real, independent clients) through a scripted session.

Usage: py_mail_session.py imap|pop3 HOST PORT [--ssl | --starttls] [--cafile PEM] [--timeout S]
Reads a JSON list of steps on stdin and prints one JSON object:
    {"welcome": "...", "capabilities": [...], "results": [{"call": ..., "typ": ..., "data": ...} | {"call": ..., "error": ..., "kind": ...}]}

A step calls one method of the imaplib.IMAP4 / poplib.POP3 object by name with its arguments:
    {"call": "login", "args": ["ana@example.test", "secret"]}
    {"call": "select", "args": [{"mutf7": "项目", "quote": true}]}
    {"call": "append", "args": ["INBOX", "(\\\\Seen)", null, {"b64": "..."}]}
    {"call": "uid", "args": ["FETCH", "1:*", "(UID FLAGS)"]}
    {"call": "retr", "args": [1], "save": "/tmp/msg"}        (poplib: the exact bytes to the file)
    {"call": "fetch", "args": ["1", "(BODY.PEEK[])"], "save": "/tmp/m"}   (each literal to /tmp/m.0, .1 …)
    {"call": "search", "args": ["UTF-8", "BODY"], "literal": {"bytes": "季度"}}  (imaplib's M.literal)
Argument objects: {"b64": ...} and {"bytes": "text"} are bytes; {"mutf7": "name"} is the modified
UTF-7 form of a mailbox name (RFC 9051 §5.1.3), in double quotes with "quote": true.
IMAP only: {"call": "idle", "until": "EXISTS", "timeout": 10} sends IDLE (imaplib has no idle()
before Python 3.14), collects the untagged lines until one contains `until`, then sends DONE.
A NO/BAD that imaplib or poplib raises as an exception is recorded and the script goes on.
Bytes in results are decoded as UTF-8 (invalid bytes replaced); use "save" for exact bytes.
"""
import base64
import imaplib
import json
import poplib
import ssl
import sys
import time


def mutf7(name):
    out, run = [], []

    def flush():
        if run:
            b64 = base64.b64encode("".join(run).encode("utf-16-be")).decode().rstrip("=").replace("/", ",")
            out.append("&" + b64 + "-")
            run.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


def arg(a):
    if isinstance(a, dict):
        if "b64" in a:
            return base64.b64decode(a["b64"])
        if "bytes" in a:
            return a["bytes"].encode()
        if "mutf7" in a:
            n = mutf7(a["mutf7"])
            return '"' + n + '"' if a.get("quote") else n
    return a


def plain(x):
    """JSON-able copy of what imaplib/poplib returned (bytes as UTF-8 text)."""
    if isinstance(x, (bytes, bytearray)):
        return bytes(x).decode("utf-8", "replace")
    if isinstance(x, (list, tuple)):
        return [plain(i) for i in x]
    return x


def save_literals(data, prefix):
    """imaplib returns each literal as the second element of a tuple: write them in order."""
    n = 0
    for item in data or []:
        if isinstance(item, tuple) and len(item) == 2:
            with open(f"{prefix}.{n}", "wb") as f:
                f.write(item[1])
            n += 1
    return n


def imap_idle(m, step):
    tag = m._new_tag()
    m.send(tag + b" IDLE\r\n")
    first = m.readline()
    if not first.startswith(b"+"):
        return {"typ": "NO", "data": [plain(first.rstrip(b"\r\n"))]}
    lines, deadline, until = [], time.monotonic() + step.get("timeout", 10), step.get("until", "EXISTS")
    m.sock.settimeout(max(0.1, deadline - time.monotonic()))
    try:
        while time.monotonic() < deadline:
            line = m.readline().rstrip(b"\r\n")
            lines.append(plain(line))
            if until.encode() in line:
                break
    except (TimeoutError, OSError):
        pass
    m.sock.settimeout(None)
    m.send(b"DONE\r\n")
    while True:
        line = m.readline().rstrip(b"\r\n")
        if line.startswith(tag):
            return {"typ": plain(line.split()[1]), "data": lines, "tagged": plain(line)}
        lines.append(plain(line))


def run_imap(a, ctx, steps):
    m = (imaplib.IMAP4_SSL(a.host, a.port, ssl_context=ctx, timeout=a.timeout) if a.ssl
         else imaplib.IMAP4(a.host, a.port, timeout=a.timeout))
    if a.starttls:
        m.starttls(ssl_context=ctx)
    results = []
    for s in steps:
        name = s["call"]
        try:
            if name == "idle":
                r = imap_idle(m, s)
            else:
                if "literal" in s:  # imaplib sends it as a literal after the last argument
                    m.literal = arg(s["literal"])
                typ, data = getattr(m, name)(*[arg(x) for x in s.get("args", [])])
                r = {"typ": typ, "data": plain(data)}
                if s.get("save"):
                    r["saved"] = save_literals(data, s["save"])
        except (m.error, m.abort, m.readonly) as e:
            r = {"error": str(e), "kind": type(e).__name__}
        results.append({"call": name, **r})
    caps = sorted(m.capabilities)
    try:
        m.shutdown()
    except OSError:
        pass
    return {"welcome": plain(m.welcome), "capabilities": caps, "results": results}


def run_pop3(a, ctx, steps):
    p = (poplib.POP3_SSL(a.host, a.port, context=ctx, timeout=a.timeout) if a.ssl
         else poplib.POP3(a.host, a.port, timeout=a.timeout))
    if a.starttls:
        p.stls(context=ctx)
    results = []
    for s in steps:
        name = s["call"]
        try:
            out = getattr(p, name)(*[arg(x) for x in s.get("args", [])])
            if name in ("retr", "top"):
                resp, lines, octets = out
                raw = b"".join(line + b"\r\n" for line in lines)
                if s.get("save"):
                    with open(s["save"], "wb") as f:
                        f.write(raw)
                r = {"typ": plain(resp), "data": plain(lines), "octets": octets, "size": len(raw)}
            elif isinstance(out, tuple) and len(out) == 3:
                r = {"typ": plain(out[0]), "data": plain(out[1]), "octets": out[2]}
            elif isinstance(out, (bytes, str)):
                r = {"typ": plain(out)}
            else:
                r = {"data": plain(out)}
        except poplib.error_proto as e:
            r = {"error": plain(e.args[0] if e.args else str(e)), "kind": "error_proto"}
        results.append({"call": name, **r})
        if name == "quit":
            break
    else:
        p.close()
    return {"welcome": plain(p.welcome), "results": results}


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("protocol", choices=["imap", "pop3"])
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--ssl", action="store_true")
    ap.add_argument("--starttls", action="store_true")
    ap.add_argument("--cafile")
    ap.add_argument("--timeout", type=float, default=30)
    a = ap.parse_args()
    ctx = ssl.create_default_context(cafile=a.cafile) if a.cafile else ssl._create_unverified_context()
    steps = json.load(sys.stdin)
    run = run_imap if a.protocol == "imap" else run_pop3
    print(json.dumps(run(a, ctx, steps), ensure_ascii=False))


if __name__ == "__main__":
    main()
