"""A TCP proxy in front of Dovecot that can cut its connections at a byte count, and that
refuses clients cleanly while the server behind it is down."""

from __future__ import annotations

import contextlib
import socket
import threading

from tests.fixtures.dovecot import TcpProxy


class FaultProxy(TcpProxy):
    """``cut_after(n)``: every connection is cut once the server has sent ``n`` more bytes."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.limit: int | None = None
        self.counted = 0
        super().__init__(target_host, target_port)

    def cut_after(self, limit: int) -> None:
        with self.lock:
            self.limit, self.counted = limit, 0

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:  # the server is down: the client sees the connection close
                client.close()
                continue
            with self.lock:
                self.connections += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._forward, args=(src, dst), daemon=True).start()

    def _forward(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            from_server = src.getpeername() == self.target
            while data := src.recv(16384):
                dst.sendall(data)
                if from_server and self._count(len(data)):
                    self.cut()
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def _count(self, size: int) -> bool:
        """Whether this many more bytes from the server reach the armed limit."""
        with self.lock:
            if self.limit is None:
                return False
            self.counted += size
            if self.counted < self.limit:
                return False
            self.limit = None
            return True
