#!/usr/bin/python3
"""usernet-net.py — the network ends of 036-usernet.sh, on either side of the helper.

  serve-tcp ADDR PORT TEXT READY   answer every connection with TEXT
  serve-http PORT DIR READY        http.server's SimpleHTTPRequestHandler on 0.0.0.0:PORT
  serve-udp ADDR PORT READY        echo every datagram, prefixed with "echo:"
  reach SECONDS ADDR:PORT...       per target "ADDR:PORT TEXT" (what it answered) or "ADDR:PORT -"
  udp-ask ADDR PORT MSG            print the answer ("-" for none within 3 s)
  http-get URL                     print the body

The servers write one line to the file READY (a fifo) once they listen."""
import functools
import http.server
import select
import socket
import sys
import time
import urllib.request


def ready(path):
    with open(path, "w") as f:
        f.write("up\n")


def serve_tcp(addr, port, text, rdy):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    s.listen(16)
    ready(rdy)
    while True:
        c, _ = s.accept()
        try:
            c.sendall(text.encode())
        finally:
            c.close()


def serve_http(port, directory, rdy):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=directory)
    srv = http.server.ThreadingHTTPServer(("0.0.0.0", int(port)), handler)
    ready(rdy)
    srv.serve_forever()


def serve_udp(addr, port, rdy):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    ready(rdy)
    while True:
        data, peer = s.recvfrom(2048)
        s.sendto(b"echo:" + data, peer)


def reach(seconds, targets):
    """Connect to all targets at once; what each one said within the time, or '-'."""
    deadline = time.monotonic() + float(seconds)
    socks, got = {}, {}
    for t in targets:
        addr, port = t.rsplit(":", 1)
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((addr, int(port)))
        socks[s] = t
        got[t] = b""
    pending, connecting = dict(socks), set(socks)
    while pending:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        r, w, _ = select.select(list(pending), list(connecting & set(pending)), [], left)
        for s in w:
            connecting.discard(s)
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                del pending[s]
        for s in r:
            if s not in pending:
                continue
            try:
                data = s.recv(256)
            except OSError:
                data = b""
            if data:
                got[pending[s]] += data
            else:
                del pending[s]
    for t in targets:
        print(t, got[t].decode() or "-")


def udp_ask(addr, port, msg):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.sendto(msg.encode(), (addr, int(port)))
    try:
        print(s.recv(2048).decode())
    except OSError:
        print("-")


def http_get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        print(r.read().decode(), end="")


cmds = {"serve-tcp": serve_tcp, "serve-http": serve_http, "serve-udp": serve_udp,
        "udp-ask": udp_ask, "http-get": http_get}
if sys.argv[1] == "reach":
    reach(sys.argv[2], sys.argv[3:])
else:
    cmds[sys.argv[1]](*sys.argv[2:])
