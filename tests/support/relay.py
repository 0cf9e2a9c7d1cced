"""A TCP relay on 127.0.0.1 in front of a real service that can cut answers off in the middle,
as when the node answering dies while it sends (a Solr leader killed during a search). The
service answers for real; the relay passes every byte through, except that the first ``cut``
answers end right after their headers and a few bytes of body, and the connection is closed.

    with Relay("127.0.0.1", 8983, cut=1) as relay:
        solr_url = f"http://127.0.0.1:{relay.port}/solr/ckan"
"""
from __future__ import annotations

import socket
import threading


class Relay:
    def __init__(self, host: str, port: int, cut: int = 0, body_bytes: int = 16):
        self.target = (host, port)
        self.cut = cut
        self.body_bytes = body_bytes
        self.connections = 0
        self.cut_off = 0
        self._lock = threading.Lock()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(16)
        self.port = self._server.getsockname()[1]
        self._stopped = threading.Event()

    def __enter__(self) -> "Relay":
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopped.set()
        try:
            self._server.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        except OSError:
            pass
        self._server.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                cut = self.cut_off < self.cut
                if cut:
                    self.cut_off += 1
            threading.Thread(target=self._serve, args=(client, cut), daemon=True).start()

    def _serve(self, client: socket.socket, cut: bool) -> None:
        upstream = socket.create_connection(self.target, timeout=30)
        threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
        try:
            if cut:
                self._cut_answer(upstream, client)
            else:
                self._pipe(upstream, client)
        finally:
            for end in (client, upstream):  # shutdown: the other thread may still be reading
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                end.close()

    def _cut_answer(self, source: socket.socket, sink: socket.socket) -> None:
        seen = b""
        while b"\r\n\r\n" not in seen:
            data = source.recv(65536)
            if not data:
                break
            seen += data
        head, _, body = seen.partition(b"\r\n\r\n")
        sink.sendall(head + b"\r\n\r\n" + body[:self.body_bytes])

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            try:
                sink.shutdown(socket.SHUT_WR)
            except OSError:
                pass
