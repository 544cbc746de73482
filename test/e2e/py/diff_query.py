#!/usr/bin/python3
"""Sends a corpus of DNS queries to several servers and prints their normalised answers as JSON.

Input (stdin, JSON): {"servers": {"nsd": {"hosts": ["127.0.0.1", "::1"], "port": 5301}, ...},
                      "queries": [{"name": "www.example.com.", "type": "A", "opts": {...},
                                   "servers": ["geodesic", "nsd", "knot"]  (optional: default all)}, ...],
                      "pipelines": [{"queries": [query, ...], "chunk": 0}, ...]}
(a pipeline's queries go out on one TCP connection: in one write, or with "chunk": N in N-octet writes
5 ms apart, so that messages and their length prefixes are split across segments)
Output (stdout, JSON): {"answers": {server: [answer, ...]}, "pipelines": {server: [[answer, ...], ...]},
                        "again": {server: [answer, ...]}}  (servers listed in the job's "repeat": the corpus
                        asked a second time, to compare cached answers with fresh ones)
where each answer is {"drop": true}, {"error": "..."} or the normalised response (see normalise()).
Raw packets are built with dnspython so that malformed queries (QDCOUNT 0/2, QR set, unknown opcode,
EDNS version 1, unknown EDNS options) can be sent. Every socket operation has a timeout.
"""
import concurrent.futures
import json
import socket
import struct
import sys
import threading
import time

import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.rcode
import dns.rrset

DEFAULT_TIMEOUT = 2.0
WORKERS = 6
DEBUG_TIMES = bool(__import__("os").environ.get("DIFF_QUERY_TIMES"))
T0 = time.monotonic()
FLAG_NAMES = [('qr', dns.flags.QR), ('aa', dns.flags.AA), ('tc', dns.flags.TC), ('rd', dns.flags.RD),
              ('ra', dns.flags.RA), ('ad', dns.flags.AD), ('cd', dns.flags.CD)]


def build_query(q, qid):
    """Returns the wire bytes of query q (see diff-corpus.ts for the option names)."""
    o = q.get('opts', {})
    if 'raw' in o:  # a hand-made (usually malformed) packet: only its ID is replaced
        wire = bytearray(bytes.fromhex(o['raw']))
        if len(wire) >= 2:
            struct.pack_into('!H', wire, 0, qid)
        return bytes(wire)
    rdclass = dns.rdataclass.from_text(o.get('class', 'IN'))
    rdtype = dns.rdatatype.from_text(q['type'])
    use_edns = not o.get('noedns', False)
    msg = dns.message.make_query(q['name'], rdtype, rdclass, use_edns=use_edns,
                                 want_dnssec=bool(o.get('dnssec', False)) and use_edns,
                                 payload=int(o.get('bufsize', 1232)),
                                 options=[dns.edns.GenericOption(int(c), bytes.fromhex(d))
                                          for c, d in o.get('ednsopt', [])] if use_edns else None)
    msg.id = qid
    msg.flags = 0
    if 'ixfr' in o:
        soa = dns.rrset.from_text(q['name'], 0, rdclass, dns.rdatatype.SOA, f'. . {int(o["ixfr"])} 0 0 0 0')
        msg.authority.append(soa)
    if o.get('rd'):
        msg.flags |= dns.flags.RD
    if o.get('cd'):
        msg.flags |= dns.flags.CD
    if o.get('adflag'):
        msg.flags |= dns.flags.AD
    if use_edns and ('ednsver' in o or 'ednsz' in o):
        msg.use_edns(int(o.get('ednsver', 0)), msg.ednsflags | int(o.get('ednsz', 0)), msg.payload, options=msg.options)
    qdcount = int(o.get('qdcount', 1))
    if qdcount == 0:
        msg.question = []
    elif qdcount == 2:
        second = o.get('qname2', q['name'])
        msg.question.append(dns.rrset.RRset(dns.name.from_text(second), rdclass, dns.rdatatype.A))
    wire = bytearray(msg.to_wire())
    if 'opcode' in o:
        wire[2] = (wire[2] & 0x87) | ((int(o['opcode']) & 0xF) << 3)
    if o.get('qr'):
        wire[2] |= 0x80
    if 'rawflags' in o:
        struct.pack_into('!H', wire, 2, int(o['rawflags']))
    return bytes(wire)


def rr_text(rrset, rd, qname):
    """One RR in presentation form; RRSIGs reduced to covered type and labels (signatures differ).

    The query name's case must be echoed (0x20) where the owner is the query name; other owners are
    compared lowercased, since servers copy the query's case into them through compression pointers."""
    owner = rrset.name.to_text()
    if qname is None or rrset.name != qname:
        owner = owner.lower()
    head = f'{owner} {rrset.ttl} {dns.rdataclass.to_text(rrset.rdclass)} {dns.rdatatype.to_text(rrset.rdtype)}'
    if rrset.rdtype == dns.rdatatype.RRSIG:
        return f'{head} {dns.rdatatype.to_text(rd.type_covered)} labels={rd.labels}'
    # Names inside RDATA may be compressed against the (mixed-case) query name: their case is not compared.
    text = rd.to_text()
    return f'{head} {text if rrset.rdtype == dns.rdatatype.TXT else text.lower()}'


def section(rrsets, keep_order, qname):
    out = []
    for rrset in rrsets:
        if rrset.rdtype in (dns.rdatatype.OPT, dns.rdatatype.TSIG):
            continue
        for rd in rrset:
            out.append(rr_text(rrset, rd, qname))
    return out if keep_order else sorted(out)


def group_answer(lines):
    """The answer section as RRsets in order of first appearance, each followed by its RRSIGs, RRs sorted."""
    groups, order = {}, []
    for line in lines:
        parts = line.split(' ')
        is_sig = parts[3] == 'RRSIG'
        key = (parts[0].lower(), parts[4] if is_sig else parts[3])
        if key not in groups:
            groups[key] = ([], [])
            order.append(key)
        groups[key][1 if is_sig else 0].append(line)
    return [rr for key in order for part in groups[key] for rr in sorted(part)]


def normalise(data):
    try:
        msg = dns.message.from_wire(data, ignore_trailing=True, one_rr_per_rrset=True)
    except Exception as err:  # noqa: BLE001 - report the failure as data
        flags = struct.unpack('!H', data[2:4])[0] if len(data) >= 4 else 0
        return {'unparsed': f'{type(err).__name__}: {err}', 'rcode': dns.rcode.to_text(flags & 0xF),
                'flags': [n for n, f in FLAG_NAMES if flags & f], 'len': len(data)}
    qname = msg.question[0].name if len(msg.question) == 1 else None
    edns, ede = None, []
    if msg.edns >= 0:
        # Extended DNS Errors (RFC 8914, option 15) are optional and informational: listed apart, not compared.
        edns = {'version': msg.edns, 'do': bool(msg.ednsflags & dns.flags.DO), 'payload': msg.payload,
                'zflags': msg.ednsflags & 0x7FFF,
                'options': sorted(int(opt.otype) for opt in msg.options if int(opt.otype) != 15)}
        ede = [int(opt.code) for opt in msg.options if int(opt.otype) == 15]
    return {
        'id': msg.id,
        'opcode': int(msg.opcode()),
        'rcode': dns.rcode.to_text(msg.rcode()),
        'flags': [n for n, f in FLAG_NAMES if msg.flags & f],
        'question': [f'{r.name.to_text()} {dns.rdataclass.to_text(r.rdclass)} {dns.rdatatype.to_text(r.rdtype)}'
                     for r in msg.question],
        'edns': edns,
        'answer': group_answer(section(msg.answer, True, qname)),
        'authority': section(msg.authority, False, qname),
        'additional': section(msg.additional, False, qname),
        'size': len(data),
        'ede': ede,
    }


def recv_exact(sock, n, deadline):
    buf = b''
    while len(buf) < n:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError('connection closed')
        buf += chunk
    return buf


def ask_udp(addr, wire, qid, timeout):
    family = socket.AF_INET6 if ':' in addr[0] else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.sendto(wire, tuple(addr))
        deadline = time.monotonic() + timeout
        while True:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data, _ = s.recvfrom(65535)
            except socket.timeout:
                return None
            if len(data) >= 2 and struct.unpack('!H', data[:2])[0] == qid:
                return data


def ask_tcp(addr, wires, timeout, chunk=0):
    """Sends all wires on one connection (in one write, or in `chunk`-octet writes) and returns the
    responses as they arrive."""
    family = socket.AF_INET6 if ':' in addr[0] else socket.AF_INET
    out = []
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.connect(tuple(addr))
        data = b''.join(struct.pack('!H', len(w)) + w for w in wires)
        if chunk <= 0:
            s.sendall(data)
        else:
            for i in range(0, len(data), chunk):
                s.sendall(data[i:i + chunk])
                time.sleep(0.005)
        deadline = time.monotonic() + timeout
        try:
            while len(out) < len(wires):
                (n,) = struct.unpack('!H', recv_exact(s, 2, deadline))
                out.append(recv_exact(s, n, deadline))
        except (socket.timeout, EOFError, ConnectionError):
            pass
    return out


def ask(server, q, qid):
    o = q.get('opts', {})
    hosts = server['hosts']
    if o.get('v6') and len(hosts) < 2:
        return {'error': 'no IPv6 address for this server'}
    addr = (hosts[1] if o.get('v6') else hosts[0], server['port'])
    timeout = float(o.get('timeout', DEFAULT_TIMEOUT))
    try:
        wire = build_query(q, qid)
    except Exception as err:  # noqa: BLE001
        return {'error': f'cannot build query: {err}'}
    try:
        if o.get('tcp'):
            got = ask_tcp(addr, [wire], timeout)
            data = got[0] if got else None
        else:
            data = ask_udp(addr, wire, qid, timeout)
            if data is None and timeout >= 1.5:  # one retry, unless a short timeout says no answer is due
                data = ask_udp(addr, wire, qid, timeout)
    except OSError as err:
        return {'error': f'{type(err).__name__}: {err}'}
    return {'drop': True} if data is None else normalise(data)


def run_server(name, server, queries, pipelines, repeat, result):
    def one(i, id_base):
        q = queries[i]
        return ask(server, q, id_base + i) if name in q.get('servers', [name]) else {'skipped': True}
    # A few queries in flight per server, so that the ones waiting out a timeout do not hold up the rest.
    with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
        answers = list(pool.map(lambda i: one(i, 0x1000), range(len(queries))))
        # The same corpus once more (other IDs): now answered from whatever the server cached.
        again = list(pool.map(lambda i: one(i, 0x5000), range(len(queries)))) if repeat else None
    addr = (server['hosts'][0], server['port'])
    piped = []
    for group in pipelines:
        wires = [build_query(q, 0x2000 + i) for i, q in enumerate(group['queries'])]
        try:
            piped.append([normalise(d) for d in ask_tcp(addr, wires, DEFAULT_TIMEOUT * 2, int(group.get('chunk', 0)))])
        except OSError as err:
            piped.append([{'error': f'{type(err).__name__}: {err}'}])
    result[name] = (answers, piped, again)
    if DEBUG_TIMES:
        print(f"{name}: {time.monotonic() - T0:.1f} s", file=sys.stderr)


def main():
    job = json.load(sys.stdin)
    result = {}
    threads = [threading.Thread(target=run_server,
                                args=(name, server, job.get('queries', []), job.get('pipelines', []),
                                      name in job.get('repeat', []), result))
               for name, server in job['servers'].items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    json.dump({'answers': {n: r[0] for n, r in result.items()},
               'pipelines': {n: r[1] for n, r in result.items()},
               'again': {n: r[2] for n, r in result.items() if r[2] is not None}}, sys.stdout)


if __name__ == '__main__':
    main()
