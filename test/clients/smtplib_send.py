#!/usr/bin/env python3
"""Sends one message with Python's smtplib (a real, independent SMTP client).

Usage: smtplib_send.py HOST PORT FROM TO[,TO...] SUBJECT [--starttls] [--login USER PASS]
Prints one JSON line: {"ok": true} or {"ok": false, "code": N, "message": "..."}.
"""
import json
import smtplib
import ssl
import sys
from email.message import EmailMessage


def main() -> None:
    host, port, sender, rcpts, subject = sys.argv[1:6]
    rest = sys.argv[6:]
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = rcpts
    msg["Subject"] = subject
    msg.set_content(f"Hello from smtplib.\n\nThis is {subject}.\n")
    try:
        with smtplib.SMTP(host, int(port), timeout=30) as s:
            s.ehlo("python.test")
            if "--starttls" in rest:
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE  # the server's self-signed certificate
                s.starttls(context=ctx)
                s.ehlo("python.test")
            if "--login" in rest:
                i = rest.index("--login")
                s.login(rest[i + 1], rest[i + 2])
            refused = s.send_message(msg, from_addr=sender, to_addrs=rcpts.split(","))
        print(json.dumps({"ok": True, "refused": {k: list(v) for k, v in refused.items()}}))
    except smtplib.SMTPResponseException as e:
        print(json.dumps({"ok": False, "code": e.smtp_code, "message": e.smtp_error.decode(errors="replace")}))
    except smtplib.SMTPRecipientsRefused as e:
        (code, text) = next(iter(e.recipients.values()))
        print(json.dumps({"ok": False, "code": code, "message": text.decode(errors="replace")}))


if __name__ == "__main__":
    main()
