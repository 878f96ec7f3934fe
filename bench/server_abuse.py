#!/usr/bin/env python3
"""bench/server_abuse.py: what slow and greedy clients cost `willis serve` (issue 13), on loopback.
Not a test: it prints figures (the functional checks are in src/http/hardened_server_test.cc).

  1. slow clients: N connections each send a request head one byte every 2 s; while they are held,
     a normal GET / is timed (a client timeout of 20 s; "timeout" means the server was blocked).
  2. chunked body: a 300 MiB chunked POST to /cds-services/willis-patient-view; the server's peak
     RSS (VmHWM) before and after, and the status it answered.

Usage: bench/server_abuse.py WILLIS_BINARY [SLOW_CLIENTS] [CHUNKED_MIB]
   e.g. bench/server_abuse.py build/willis 50 300
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

willis = sys.argv[1] if len(sys.argv) > 1 else "build/willis"
slow_count = int(sys.argv[2]) if len(sys.argv) > 2 else 50
chunked_mib = int(sys.argv[3]) if len(sys.argv) > 3 else 300


def start():
    scratch = tempfile.mkdtemp()
    env = dict(os.environ, WILLIS_TODAY="2026-11-22")
    proc = subprocess.Popen([willis, "serve", "--port", "0", "--quiet", "--db", scratch + "/d.sqlite3"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    line = proc.stdout.readline()
    port = int(re.search(r":(\d+)/", line).group(1))
    return proc, port


def hwm_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1])
    return -1


def timed_get(port, timeout=20.0):
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
            data = s.recv(64)
            status = data.split(b" ")[1].decode() if data else "closed"
    except (socket.timeout, OSError) as error:
        return f"failed ({type(error).__name__})", time.monotonic() - start
    return status, time.monotonic() - start


def slow_clients(port):
    stop = threading.Event()
    socks = []
    for _ in range(slow_count):
        s = socket.create_connection(("127.0.0.1", port))
        socks.append(s)
    head = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ".encode() + b"a" * 1000

    def drip():
        idx = 0
        while not stop.is_set() and idx < len(head):
            for s in socks:
                try:
                    s.send(head[idx:idx + 1])
                except OSError:
                    pass
            idx += 1
            stop.wait(2.0)

    thread = threading.Thread(target=drip)
    thread.start()
    time.sleep(1.0)
    status, seconds = timed_get(port)
    stop.set()
    thread.join()
    for s in socks:
        s.close()
    return status, seconds


def chunked(port, pid):
    before = hwm_kib(pid)
    chunk = b"x" * (1024 * 1024)
    status = "none"
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
            s.sendall((f"POST /cds-services/willis-patient-view HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                       "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode())
            try:
                for _ in range(chunked_mib):
                    s.sendall(b"100000\r\n" + chunk + b"\r\n")
                s.sendall(b"0\r\n\r\n")
            except OSError:
                pass  # the server stopped reading
            data = s.recv(64)
            status = data.split(b" ")[1].decode() if data else "closed"
    except OSError as error:
        status = f"failed ({type(error).__name__})"
    return before, hwm_kib(pid), status


proc, port = start()
try:
    status, seconds = timed_get(port)
    print(f"idle: GET / -> {status} in {seconds * 1000:.1f} ms")
    status, seconds = slow_clients(port)
    print(f"{slow_count} slow clients held: GET / -> {status} in {seconds * 1000:.1f} ms; "
          f"peak RSS so far {hwm_kib(proc.pid) / 1024:.0f} MiB")
    before, after, status = chunked(port, proc.pid)
    print(f"{chunked_mib} MiB chunked POST: status {status}; peak RSS {before / 1024:.0f} MiB before, "
          f"{after / 1024:.0f} MiB after")
finally:
    proc.terminate()
    proc.wait()
