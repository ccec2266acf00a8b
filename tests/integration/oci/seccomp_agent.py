#!/usr/bin/env python3
# A seccomp agent for tests/integration/oci/seccomp.sh: listens at argv[1], takes one
# container process state with its notification fd (SCM_RIGHTS), writes the state to
# argv[2] (with "nfds": how many fds came), then answers every notified system call with
# errno argv[3] until the filter has no user left (or 30 s pass).
import array, json, os, select, socket, struct, sys, fcntl

path, out, errno_ret = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
open(out + ".ready", "w").close()
s.settimeout(30)
conn, _ = s.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(65536, socket.CMSG_LEN(4 * fds.itemsize))
for level, typ, data in anc:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
m = json.loads(msg)
m["nfds"] = len(fds)
with open(out + ".tmp", "w") as f:
    json.dump(m, f)
os.rename(out + ".tmp", out)
if len(fds) != 1:
    sys.exit(1)
nfd = fds[0]
# linux/seccomp.h: struct seccomp_notif is 80 bytes, seccomp_notif_resp 24
RECV = (3 << 30) | (80 << 16) | (ord("!") << 8) | 0
SEND = (3 << 30) | (24 << 16) | (ord("!") << 8) | 1
answered = 0
while True:
    r, _, x = select.select([nfd], [], [nfd], 30)
    if not r:
        break
    buf = bytearray(80)
    try:
        fcntl.ioctl(nfd, RECV, buf)
    except OSError:
        break  # no user left (or the call went away)
    nid = struct.unpack_from("Q", buf, 0)[0]
    resp = struct.pack("QqiI", nid, 0, -errno_ret, 0)
    try:
        fcntl.ioctl(nfd, SEND, bytearray(resp))
        answered += 1
    except OSError:
        pass
with open(out + ".answered", "w") as f:
    f.write(str(answered))
