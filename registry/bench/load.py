"""A small closed-loop HTTP/1.1 load generator: N keep-alive connections, each sending
its next request as soon as the previous answer is complete. Run in its own process
so that it competes with the server for cores, not for the event loop.

    python -m registry.bench.load URL --connections 32 --duration 8 [--header K:V]

Prints one JSON object: requests, errors, rps, p50_ms, p99_ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import cast
from urllib.parse import urlsplit


class _Connection(asyncio.Protocol):
    def __init__(self, request: bytes, deadline: float, latencies: list[float]) -> None:
        self.request = request
        self.deadline = deadline
        self.latencies = latencies
        self.errors = 0
        self.buffer = bytearray()
        self.expected: int | None = None
        self.started = 0.0
        self.transport: asyncio.Transport | None = None
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast(asyncio.Transport, transport)
        self._send()

    def _send(self) -> None:
        assert self.transport is not None
        if time.perf_counter() >= self.deadline:
            self.transport.close()
            return
        self.buffer.clear()
        self.expected = None
        self.started = time.perf_counter()
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.expected is None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).lower()
            status = head[9:12]
            if status != b"200":
                self.errors += 1
            length = 0
            for line in head.split(b"\r\n"):
                if line.startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            self.expected = end + 4 + length
        if len(self.buffer) >= self.expected:
            self.latencies.append(time.perf_counter() - self.started)
            self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def run(url: str, connections: int, duration: float, headers: list[str]) -> dict[str, float]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {target} HTTP/1.1", f"Host: {parts.netloc}", *headers, "", ""]
    request = "\r\n".join(lines).encode()
    loop = asyncio.get_running_loop()
    warm: list[float] = []
    # A short warm-up so that connection set-up and first-request costs are not counted.
    warmup = [
        (
            await loop.create_connection(
                lambda: _Connection(request, time.perf_counter() + 0.5, warm),
                host,
                port,
            )
        )[1]
        for _ in range(connections)
    ]
    await asyncio.gather(*(c.done for c in warmup))
    latencies: list[float] = []
    deadline = time.perf_counter() + duration
    started = time.perf_counter()
    conns = [
        (
            await loop.create_connection(
                lambda: _Connection(request, deadline, latencies), host, port
            )
        )[1]
        for _ in range(connections)
    ]
    await asyncio.gather(*(c.done for c in conns))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2)

    return {
        "requests": len(latencies),
        "errors": sum(c.errors for c in conns),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--header", action="append", default=[])
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    print(json.dumps(asyncio.run(run(args.url, args.connections, args.duration, args.header))))


if __name__ == "__main__":
    main()
