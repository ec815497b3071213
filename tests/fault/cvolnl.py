#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# A minimal client of cvol.ko's generic netlink family for the fault lane,
# on raw sockets (no libnl), so that every kernel allocation the request
# makes happens in this one task and fail-nth can target it.
#
#   cvolnl.py list                  device ids, one a line
#   cvolnl.py add POOL VOLUME SIZE  add a device, print its id
#   cvolnl.py remove ID             remove (force) a device
#   cvolnl.py sweep-add             fail every fault point of DEV_ADD in
#                                   turn (/proc/thread-self/fail-nth) and
#                                   check each fails cleanly
#
# Errors print "cvolnl: <errno name>: <extack message>" and exit 1.

import errno
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLM_F_DUMP = 0x300
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLMSGERR_ATTR_MSG = 1

# <linux/cvol.h>
CVOL_CMD_DEV_ADD = 2
CVOL_CMD_DEV_REMOVE = 3
CVOL_CMD_DEV_GET = 4
CVOL_ATTR_DEV_ID = 1
CVOL_ATTR_SIZE = 2
CVOL_ATTR_OBJ_ORDER = 4
CVOL_ATTR_NR_QUEUES = 5
CVOL_ATTR_QUEUE_DEPTH = 6
CVOL_ATTR_POOL = 8
CVOL_ATTR_VOLUME = 9
CVOL_ATTR_TIMEOUT = 14
CVOL_ATTR_FORCE = 15


class NlError(Exception):
    def __init__(self, err, msg):
        super().__init__(err, msg)
        self.err = err
        self.msg = msg

    def __str__(self):
        return "%s: %s" % (errno.errorcode.get(self.err, str(self.err)),
                           self.msg or os.strerror(self.err))


class Lost(NlError):
    """ENOBUFS on the socket: the ack of a request was lost; replies
    holds the answers that did arrive (a DEV_ADD's new device, say)."""

    def __init__(self, replies):
        super().__init__(errno.ENOBUFS, "socket: ack lost")
        self.replies = replies


def attr(atype, payload):
    a = struct.pack("HH", 4 + len(payload), atype) + payload
    return a + b"\0" * ((4 - len(a) % 4) % 4)


def parse_attrs(buf):
    out = {}
    while len(buf) >= 4:
        alen, atype = struct.unpack_from("HH", buf)
        if alen < 4:
            break
        out[atype & 0x3fff] = buf[4:alen]
        buf = buf[(alen + 3) & ~3:]
    return out


class Genl:
    def __init__(self, family):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.settimeout(30)
        self.sock.bind((0, 0))
        self.seq = 0
        msgs = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                            attr(CTRL_ATTR_FAMILY_NAME,
                                 family.encode() + b"\0"))
        self.family = struct.unpack(
            "H", parse_attrs(msgs[0])[CTRL_ATTR_FAMILY_ID])[0]

    def request(self, ftype, cmd, attrs=b"", dump=False):
        """Send one request; return the attribute blobs of the replies,
        raise NlError on an error ack, OSError from the socket."""
        self.seq += 1
        flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
        body = struct.pack("BBH", cmd, 1, 0) + attrs
        msg = struct.pack("IHHII", 16 + len(body), ftype, flags, self.seq,
                          0) + body
        self.sock.send(msg)
        replies = []
        lost = None
        try:
            while True:
                try:
                    data = self.sock.recv(65536)
                except socket.timeout:
                    if lost is None:
                        raise
                    # the ack was the message dropped: what came is all
                    raise Lost(replies)
                except OSError as e:
                    # ENOBUFS: the kernel dropped a message for this socket
                    # (the reply or the ack); what is queued is still valid
                    if e.errno != errno.ENOBUFS or lost is not None:
                        raise
                    lost = e
                    self.sock.settimeout(1)
                    continue
                while len(data) >= 16:
                    mlen, mtype, mflags, seq, _ = struct.unpack_from("IHHII",
                                                                     data)
                    payload = data[16:mlen]
                    data = data[(mlen + 3) & ~3:]
                    if seq != self.seq:
                        continue
                    if mtype == NLMSG_DONE:
                        return replies
                    if mtype == NLMSG_ERROR:
                        err = -struct.unpack_from("i", payload)[0]
                        if err == 0:
                            return replies
                        off = 4 + (16 if mflags & NLM_F_CAPPED else
                                   struct.unpack_from("I", payload, 4)[0])
                        text = ""
                        if mflags & NLM_F_ACK_TLVS:
                            tlv = parse_attrs(payload[(off + 3) & ~3:])
                            text = tlv.get(NLMSGERR_ATTR_MSG,
                                           b"").rstrip(b"\0").decode()
                        raise NlError(err, text)
                    replies.append(payload[4:])
        finally:
            self.sock.settimeout(30)

    def add(self, pool, volume, size, order=16, queues=2, depth=16):
        attrs = (attr(CVOL_ATTR_SIZE, struct.pack("Q", size)) +
                 attr(CVOL_ATTR_OBJ_ORDER, struct.pack("B", order)) +
                 attr(CVOL_ATTR_NR_QUEUES, struct.pack("H", queues)) +
                 attr(CVOL_ATTR_QUEUE_DEPTH, struct.pack("H", depth)) +
                 attr(CVOL_ATTR_TIMEOUT, struct.pack("I", 30)) +
                 attr(CVOL_ATTR_POOL, pool.encode() + b"\0") +
                 attr(CVOL_ATTR_VOLUME, volume.encode() + b"\0"))
        try:
            msgs = self.request(self.family, CVOL_CMD_DEV_ADD, attrs)
        except Lost as e:
            # the device exists when its reply arrived; the ack is moot
            if not e.replies:
                raise
            msgs = e.replies
        return struct.unpack("I", parse_attrs(msgs[0])[CVOL_ATTR_DEV_ID])[0]

    def remove(self, dev_id):
        self.request(self.family, CVOL_CMD_DEV_REMOVE,
                     attr(CVOL_ATTR_DEV_ID, struct.pack("I", dev_id)) +
                     attr(CVOL_ATTR_FORCE, b""))

    def list(self):
        return sorted(struct.unpack("I",
                                    parse_attrs(m)[CVOL_ATTR_DEV_ID])[0]
                      for m in self.request(self.family, CVOL_CMD_DEV_GET,
                                            dump=True))


def sweep_add(nl):
    """Fail the Nth fault point (slab or page allocation) of one DEV_ADD,
    for N = 1, 2, ... until a request runs with no fault left to inject.
    Every injected run must fail with ENOMEM or ENOBUFS (or succeed, when
    the failed allocation had a fallback) and leave no device behind."""
    nth = os.open("/proc/thread-self/fail-nth", os.O_RDWR)
    outcomes = {}
    problems = []
    n = 0
    while True:
        n += 1
        before = nl.list()
        got, err = None, None
        os.pwrite(nth, b"%d" % n, 0)
        try:
            got = nl.add("fault", "sweep", 64 << 20)
        except NlError as e:
            err = e
        except OSError as e:
            err = NlError(e.errno, "socket: " + os.strerror(e.errno))
        left = int(os.pread(nth, 32, 0))
        os.pwrite(nth, b"0", 0)
        injected = left == 0
        if err is not None and err.err not in (errno.ENOMEM, errno.ENOBUFS):
            problems.append("N=%d: unexpected error %s" % (n, err))
        key = "ok" if err is None else errno.errorcode.get(err.err, "?")
        outcomes[key] = outcomes.get(key, 0) + 1
        # a reply lost to the injected fault: the ack may still be queued
        if isinstance(err, NlError) and err.msg.startswith("socket:"):
            nl = Genl("cvol")
        after = nl.list()
        extra = [d for d in after if d not in before and d != got]
        if extra:
            problems.append("N=%d: failed add (%s) left device(s) %s" %
                            (n, err, extra))
        for d in extra + ([got] if got is not None else []):
            nl.remove(d)
        if not injected:
            if err is not None:
                problems.append("N=%d: failed with nothing injected: %s" %
                                (n, err))
            break
        if n > 5000:
            problems.append("more than 5000 fault points: giving up")
            break
    print("sweep-add: %d fault points, outcomes %s" %
          (n - 1, " ".join("%s=%d" % kv for kv in sorted(outcomes.items()))))
    for p in problems:
        print("sweep-add: " + p)
    return 1 if problems else 0


def main(argv):
    nl = Genl("cvol")
    try:
        if argv[1] == "list":
            for d in nl.list():
                print(d)
        elif argv[1] == "add":
            print(nl.add(argv[2], argv[3], int(argv[4])))
        elif argv[1] == "remove":
            nl.remove(int(argv[2]))
        elif argv[1] == "sweep-add":
            return sweep_add(nl)
        else:
            print("cvolnl: unknown command %s" % argv[1], file=sys.stderr)
            return 2
    except NlError as e:
        print("cvolnl: %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
