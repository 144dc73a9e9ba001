#!/usr/bin/env python3
# Peers for check-proto.sh, on 127.0.0.1 in the test's namespace:
#   smtp PORT MODE LOG   an SMTP server; MODE good (220, 250 to HELO, 221
#                        to QUIT), bad (a 554 greeting) or mute (accepts,
#                        says nothing); each HELO line goes to LOG.
#   udp PORT MODE        a UDP server; MODE echo, wrong (answers other
#                        bytes) or mute (reads, never answers).
# Runs until killed.
import socket
import socketserver
import sys


class Smtp(socketserver.StreamRequestHandler):
    def handle(self):
        mode, log = self.server.mode, self.server.log
        if mode == "mute":
            self.rfile.readline()
            return
        if mode == "bad":
            self.wfile.write(b"554 go away\r\n")
            return
        self.wfile.write(b"220-peer.test ESMTP\r\n220 ready\r\n")
        for line in self.rfile:
            cmd = line.strip().decode(errors="replace")
            if cmd.upper().startswith("HELO"):
                with open(log, "a") as f:
                    f.write(cmd + "\n")
                self.wfile.write(b"250 hello\r\n")
            elif cmd.upper() == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"500 what\r\n")


def smtp(port, mode, log):
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", port), Smtp)
    srv.mode, srv.log = mode, log
    srv.serve_forever()


def udp(port, mode):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    while True:
        data, peer = s.recvfrom(65536)
        if mode == "echo":
            s.sendto(data, peer)
        elif mode == "wrong":
            s.sendto(b"\xff" * len(data), peer)


if __name__ == "__main__":
    if sys.argv[1] == "smtp":
        smtp(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        udp(int(sys.argv[2]), sys.argv[3])
