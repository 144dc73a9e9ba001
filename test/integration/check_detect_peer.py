#!/usr/bin/env python3
# Real servers for check-detect.sh, in the test's namespace, where every
# 127/8 address is local: one process answers for all of them.
#   check_detect_peer.py TCP-PORT HTTP-PORT
# On TCP-PORT it accepts and closes (what TCP_CHECK needs); on HTTP-PORT
# it answers each request with "200 OK" and closes.  One thread, asyncio:
# a hundred checks a second cost it little on a busy machine.  Runs
# until killed.
import asyncio
import sys

REPLY = (b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
         b"Content-Length: 3\r\nConnection: close\r\n\r\nok\n")


async def tcp(reader, writer):
    writer.close()


async def http(reader, writer):
    try:
        await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        writer.write(REPLY)
        await writer.drain()
    except (asyncio.TimeoutError, asyncio.IncompleteReadError,
            asyncio.LimitOverrunError, ConnectionError):
        pass
    writer.close()


async def main(tport, hport):
    a = await asyncio.start_server(tcp, "0.0.0.0", tport, backlog=1024,
                                   reuse_address=True)
    b = await asyncio.start_server(http, "0.0.0.0", hport, backlog=1024,
                                   reuse_address=True)
    async with a, b:
        await asyncio.gather(a.serve_forever(), b.serve_forever())


asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
