"""A TCP proxy in a thread, between the app servers and PostgreSQL, that can fail on demand.

The shared PostgreSQL is never stopped (other tests use it): the app reaches it through
this proxy, and an outage is the proxy cutting every live connection and then either
refusing new ones (the port closed, as when PostgreSQL is down) or accepting them and never
answering (a black hole, as when the server hangs or the network drops packets).

While it refuses, the port stays bound (by a socket that never listens), so no other
process can take it meanwhile: under pytest-xdist the other workers keep opening listeners
and connections on free ports, and one could land on ours during a 60-second outage.
"""

import contextlib
import socket
import threading

UP, REFUSE, BLACK_HOLE = "up", "refuse", "black hole"


class TcpProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.mode = UP
        self.lock = threading.Lock()
        self.sockets: set[socket.socket] = set()
        self.threads: list[threading.Thread] = []
        self.reserved: socket.socket | None = None
        self.listener = self._listen(0)
        self.port = self.listener.getsockname()[1]
        self._serve()

    @staticmethod
    def _bound(port: int, *, reuse_address: bool) -> socket.socket:
        """A socket bound to 127.0.0.1:port, sharing it only with our other such sockets.

        SO_REUSEPORT lets the listener and the reservation hold the port together; the
        reservation goes without SO_REUSEADDR, which would let others bind the port too.
        """
        sock = socket.socket()
        if reuse_address:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(("127.0.0.1", port))
        return sock

    def _listen(self, port: int) -> socket.socket:
        listener = self._bound(port, reuse_address=True)
        listener.listen(64)
        return listener

    def _serve(self) -> None:
        thread = threading.Thread(target=self._accept, args=(self.listener,), daemon=True)
        thread.start()
        self.threads.append(thread)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed: an outage that refuses, or the end
            with self.lock:
                self.sockets.add(client)
                if self.mode == BLACK_HOLE:
                    continue  # held open, never read, never answered
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                self._close(client)
                continue
            server.settimeout(None)
            with self.lock:
                self.sockets.add(server)
            for source, sink in ((client, server), (server, client)):
                pump = threading.Thread(target=self._pump, args=(source, sink), daemon=True)
                pump.start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        self._close(source)
        self._close(sink)

    def _close(self, sock: socket.socket) -> None:
        with self.lock:
            self.sockets.discard(sock)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()

    def _cut_all(self) -> None:
        with self.lock:
            live = list(self.sockets)
        for sock in live:
            self._close(sock)

    def fail(self, mode: str) -> None:
        """Start an outage: cut every connection, then refuse or black-hole new ones."""
        assert mode in (REFUSE, BLACK_HOLE)
        with self.lock:
            self.mode = mode
        if mode == REFUSE:
            # Keep the port (bound, never listening: connecting to it is refused), then close
            # the listener; shut down first: a bare close leaves accept() blocked.
            self.reserved = self._bound(self.port, reuse_address=False)
            self._close(self.listener)
        self._cut_all()

    def recover(self) -> None:
        """End the outage: new connections reach PostgreSQL again."""
        with self.lock:
            was, self.mode = self.mode, UP
        self._cut_all()  # what the black hole held
        if was == REFUSE:
            self.listener = self._listen(self.port)
            self._serve()
            self.reserved.close()
            self.reserved = None

    def close(self) -> None:
        if self.reserved is not None:
            self.reserved.close()
        self._close(self.listener)
        self._cut_all()
        for thread in self.threads:
            thread.join(timeout=5)
