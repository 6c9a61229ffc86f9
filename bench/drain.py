#!/usr/bin/env python3
"""The reconnect peak a deploy causes: N streams on node A, then SIGTERM to A; every client, when
its stream ends, reconnects to node B. Writes when each one reached B, and the peak per 100 ms.

  drain.py --streams N --a PORT --b PORT --a-pid PID --mode staggered|naive --out FILE.json

staggered: the client waits the reconnectAfterMillis of A's `draining` event (what ssemux's clients
do). naive: it ignores that event and waits the `retry:` of `connected`, as a bare EventSource does.
Loopback only; bounded in count and time (it gives up after --timeout seconds)."""
import argparse, asyncio, json, os, re, signal, time

RETRY = re.compile(rb"^retry: (\d+)$", re.M)
DRAINING = re.compile(rb'event: draining\r?\ndata: \{"reason":"shutdown","reconnectAfterMillis":(\d+)\}')


async def stream(port, user):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /api/sse/stream?channels=jobs&user={user} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    return reader, writer


async def client(i, args, reached, t0):
    reader, writer = await stream(args.a, f"u{i}")
    seen = b""
    while b"event: connected" not in seen:
        chunk = await reader.read(4096)
        if not chunk:
            raise RuntimeError("A closed before connected")
        seen += chunk
    retry_ms = int(RETRY.search(seen).group(1)) if RETRY.search(seen) else 3000
    args.connected += 1
    while True:
        chunk = await reader.read(4096)
        if not chunk:
            break
        seen += chunk
    ended = time.monotonic()
    writer.close()
    m = DRAINING.search(seen)
    delay = int(m.group(1)) if (m and args.mode == "staggered") else retry_ms
    await asyncio.sleep(delay / 1000)
    r2, w2 = await stream(args.b, f"u{i}")
    got = b""
    while b"event: connected" not in got:
        chunk = await r2.read(4096)
        if not chunk:
            break
        got += chunk
    reached.append({"ended": ended - t0[0], "connected": time.monotonic() - t0[0], "told": bool(m)})
    w2.close()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--streams", type=int, default=2000)
    p.add_argument("--a", type=int, required=True)
    p.add_argument("--b", type=int, required=True)
    p.add_argument("--a-pid", type=int, required=True)
    p.add_argument("--mode", choices=["staggered", "naive"], required=True)
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    args.connected = 0
    reached, t0 = [], [0.0]
    tasks = []
    for i in range(args.streams):
        tasks.append(asyncio.create_task(client(i, args, reached, t0)))
        if i % 100 == 99:
            await asyncio.sleep(0.05)
    deadline = time.monotonic() + args.timeout
    while args.connected < args.streams and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    t0[0] = time.monotonic()
    os.kill(args.a_pid, signal.SIGTERM)
    done, pending = await asyncio.wait(tasks, timeout=max(1, deadline - time.monotonic() + args.timeout))
    for t in pending:
        t.cancel()
    failed = sum(1 for t in done if t.exception() is not None)
    buckets = {}
    for r in reached:
        b = int(r["connected"] * 10)
        buckets[b] = buckets.get(b, 0) + 1
    times = sorted(r["connected"] for r in reached)
    out = {
        "mode": args.mode, "streams": args.streams, "connectedToA": args.connected, "reachedB": len(reached),
        "failed": failed, "unfinished": len(pending), "toldToWait": sum(1 for r in reached if r["told"]),
        "peakPer100ms": max(buckets.values()) if buckets else 0,
        "firstSeconds": round(times[0], 3) if times else None,
        "medianSeconds": round(times[len(times) // 2], 3) if times else None,
        "lastSeconds": round(times[-1], 3) if times else None,
        "per100ms": [buckets.get(b, 0) for b in range(0, (max(buckets) + 1) if buckets else 0)],
    }
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
    print(json.dumps({k: v for k, v in out.items() if k != "per100ms"}))


asyncio.run(main())
