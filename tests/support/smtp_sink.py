"""A real SMTP server on loopback that keeps what it receives (for the mailer tests): enough of
RFC 5321 for Python's smtplib (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT)."""
from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage


@dataclass
class Sink:
    host: str
    port: int
    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered with 550

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


class _Handler(socketserver.StreamRequestHandler):
    sink: Sink

    def _say(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode("ascii"))

    def handle(self) -> None:
        self._say("220 sink ESMTP")
        sender, recipients = "", []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                self._say("250-sink")
                self._say("250 8BITMIME")
            elif verb == "HELO":
                self._say("250 sink")
            elif verb == "MAIL":
                sender, recipients = line.split(":", 1)[1].strip(" <>"), []
                self._say("250 OK")
            elif verb == "RCPT":
                address = line.split(":", 1)[1].strip(" <>")
                if address in self.server.sink.refuse:
                    self._say("550 no such mailbox")
                else:
                    recipients.append(address)
                    self._say("250 OK")
            elif verb == "DATA":
                self._say("354 end with .")
                data = []
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                message = email.message_from_bytes(b"".join(data), policy=email.policy.default)
                self.server.sink.messages.append(Received(sender, recipients, message))
                self._say("250 OK")
            elif verb in ("RSET", "NOOP"):
                self._say("250 OK")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("502 not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    sink: Sink


def start() -> tuple[Sink, _Server]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.sink = Sink(*server.server_address[:2])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.sink, server
