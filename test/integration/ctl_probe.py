#!/usr/bin/env python3
"""A raw client of tandem's control socket, for the tests' bad inputs.

Each subcommand prints one line the shell test compares; every socket
operation has a timeout, so a daemon that does not answer fails the test
instead of hanging it.

  req PATH JSON            send one line, print the answer line
  raw PATH TEXT            send TEXT (Python escapes allowed) + newline
  many PATH N              N requests on one connection, answers in order
  longline PATH            a 70 000-byte line: an error, then closed
  trickle PATH             a request sent a byte at a time
  flood PATH N             N clients at once: "accepted A refused R"
  leave PATH JSON          send a request and close at once
  halfclose PATH JSON      send a request, shut the sending side, read
  idle PATH SECONDS        say nothing: the error and close, "idle N s"
"""
import json
import socket
import sys
import time


def conn(path, timeout=10):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    # A full backlog answers EAGAIN at once: retry, bounded (2 s).
    for _ in range(200):
        try:
            s.connect(path)
            return s
        except BlockingIOError:
            time.sleep(0.01)
    s.connect(path)
    return s


def readline(s):
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    return buf.decode(errors="replace").strip()


def closed(s):
    """True when the daemon closed its side: EOF within the timeout, or a
    reset (it closed with our unread bytes still queued, as after a line
    too long, which the kernel reports as a reset rather than EOF)."""
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "req":
        s = conn(path)
        s.sendall(sys.argv[3].encode() + b"\n")
        print(readline(s))
    elif cmd == "raw":
        s = conn(path)
        s.sendall(sys.argv[3].encode().decode("unicode_escape").encode("latin-1") + b"\n")
        print(readline(s))
    elif cmd == "many":
        n = int(sys.argv[3])
        s = conn(path)
        s.sendall(b"".join(b'{"cmd":"ping","seq":%d}\n' % i for i in range(n)))
        ok = 0
        f = s.makefile("rb")
        for _ in range(n):
            r = json.loads(f.readline())
            ok += 1 if r.get("ok") else 0
        print("answers %d" % ok)
    elif cmd == "longline":
        s = conn(path)
        try:
            s.sendall(b"{" + b" " * 70000)
        except (BrokenPipeError, ConnectionResetError):
            pass
        r = readline(s)
        print(r, "closed" if closed(s) else "open")
    elif cmd == "trickle":
        s = conn(path)
        for b in b'{"cmd":"ping"}\n':
            s.send(bytes([b]))
            time.sleep(0.005)
        print(readline(s))
    elif cmd == "flood":
        n = int(sys.argv[3])
        socks = []
        for _ in range(n):
            socks.append(conn(path, timeout=2))
        # The refusal is written at accept: half a second is plenty, and
        # far below the idle timeout of the served ones.
        time.sleep(0.5)
        accepted = refused = 0
        for s in socks:
            s.setblocking(False)
            try:
                data = s.recv(4096)
            except BlockingIOError:
                accepted += 1   # silent: served, waiting for a request
                continue
            if b"too many clients" in data:
                refused += 1
        print("accepted %d refused %d" % (accepted, refused))
        for s in socks:
            s.close()
    elif cmd == "leave":
        s = conn(path)
        s.sendall(sys.argv[3].encode() + b"\n")
        s.close()
        print("left")
    elif cmd == "halfclose":
        s = conn(path)
        s.sendall(sys.argv[3].encode() + b"\n")
        s.shutdown(socket.SHUT_WR)
        print(readline(s), "closed" if closed(s) else "open")
    elif cmd == "idle":
        s = conn(path, timeout=float(sys.argv[3]) + 10)
        t0 = time.time()
        r = readline(s)
        print(r, "closed" if closed(s) else "open", "idle %d s" % round(time.time() - t0))
    else:
        sys.exit("unknown probe " + cmd)


if __name__ == "__main__":
    main()
