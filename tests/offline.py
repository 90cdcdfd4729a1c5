"""Run a command with no network: inside `unshare -rn` (a network namespace of its own), bring the loopback
interface up (Jupyter kernels talk to the build over 127.0.0.1), then exec the command.

Usage: unshare -rn python tests/offline.py COMMAND [ARGS...]"""

import fcntl
import os
import socket
import struct
import sys

SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
    request = struct.pack("16sH14s", b"lo", 0, b"\0" * 14)
    flags = struct.unpack("16sH14s", fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
    fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH14s", b"lo", flags | IFF_UP, b"\0" * 14))
os.execvp(sys.argv[1], sys.argv[1:])
