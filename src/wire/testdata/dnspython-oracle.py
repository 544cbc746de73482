# dnspython oracle for the wire codec tests: reads a JSON batch on stdin, answers a JSON batch on stdout.
# Each request is {"op": ...}; see the tests for the ops. Errors are returned per item, never raised.
import base64, json, sys
import dns.rrset, dns.rdata, dns.rdataclass, dns.rdatatype, dns.name, dns.message, dns.edns, dns.flags

ORIGIN = dns.name.from_text('example.com.')

def rdata_op(req):
    t = dns.rdatatype.from_text(req['type'])
    out = {}
    try:
        rd = dns.rdata.from_text(dns.rdataclass.IN, t, req['text'], origin=ORIGIN, relativize=False)
        out['wire'] = rd.to_wire().hex()
        out['canonical'] = rd.to_digestable().hex()
    except Exception as e:
        out['textError'] = f'{type(e).__name__}: {e}'
    try:
        w = bytes.fromhex(req['wire'])
        rd = dns.rdata.from_wire(dns.rdataclass.IN, t, w, 0, len(w))
        out['text'] = rd.to_text()
    except Exception as e:
        out['wireError'] = f'{type(e).__name__}: {e}'
    return out

def rr_json(rrset):
    res = []
    for rd in rrset:
        res.append({'name': rrset.name.to_text(), 'type': int(rrset.rdtype), 'class': int(rrset.rdclass),
                    'ttl': rrset.ttl, 'rdata': rd.to_wire().hex() if len(rd.to_wire()) else ''})
    return res

def message_op(req):
    try:
        m = dns.message.from_wire(bytes.fromhex(req['wire']), ignore_trailing=False, keyring=None)
    except Exception as e:
        return {'error': f'{type(e).__name__}: {e}'}
    sec = lambda s: [r for rrset in s for r in rr_json(rrset)]
    out = {'id': m.id, 'flags': m.flags, 'opcode': int(m.opcode()), 'rcode': int(m.rcode()),
           'questions': [{'name': q.name.to_text(), 'type': int(q.rdtype), 'class': int(q.rdclass)} for q in m.question],
           'answers': sec(m.answer), 'authority': sec(m.authority), 'additional': sec(m.additional), 'edns': None}
    if m.edns >= 0:
        out['edns'] = {'udpSize': m.payload, 'version': m.edns, 'do': bool(m.ednsflags & dns.flags.DO),
                       'flags': m.ednsflags & 0xffff, 'options': [{'code': int(o.otype), 'data': o.to_wire().hex()} for o in m.options]}
    return out

def examples_op(req):
    import dns.rrset, dns.edns, dns.opcode, dns.rcode
    out = []
    q = dns.message.make_query('www.Example.com.', 'AAAA', id=4660)
    out.append(q.to_wire())
    q = dns.message.make_query('example.com.', 'TXT', use_edns=0, payload=1232, want_dnssec=True,
        options=[dns.edns.ECSOption('192.0.2.0', 24), dns.edns.GenericOption(10, bytes(range(8)))])
    out.append(q.to_wire())
    q = dns.message.make_query('example.com.', 'A', use_edns=0, payload=4096,
        options=[dns.edns.ECSOption('2001:db8::', 56), dns.edns.GenericOption(10, bytes(range(24))), dns.edns.GenericOption(3, b'')])
    out.append(q.to_wire())
    r = dns.message.make_response(dns.message.make_query('example.com.', 'MX', use_edns=0))
    r.flags |= dns.flags.AA
    r.answer.append(dns.rrset.from_text('example.com.', 300, 'IN', 'MX', '10 mail.example.com.', '20 mail2.Example.COM.'))
    r.authority.append(dns.rrset.from_text('example.com.', 300, 'IN', 'NS', 'ns1.example.com.', 'ns2.example.net.'))
    r.authority.append(dns.rrset.from_text('example.com.', 300, 'IN', 'SOA', 'ns1.example.com. h.example.com. 1 2 3 4 5'))
    r.additional.append(dns.rrset.from_text('mail.example.com.', 300, 'IN', 'A', '192.0.2.25'))
    r.additional.append(dns.rrset.from_text('ns1.example.com.', 300, 'IN', 'AAAA', '2001:db8::53'))
    r.additional.append(dns.rrset.from_text('_sip._tcp.example.com.', 300, 'IN', 'SRV', '1 2 3 sip.example.com.'))
    r.set_rcode(dns.rcode.NXDOMAIN)
    out.append(r.to_wire())
    r = dns.message.make_response(dns.message.make_query('x.example.', 'A', use_edns=0))
    r.set_rcode(dns.rcode.BADVERS)
    out.append(r.to_wire())
    u = dns.message.make_query('example.com.', 'SOA')
    u.set_opcode(dns.opcode.UPDATE)
    out.append(u.to_wire())
    return {'wires': [w.hex() for w in out]}

def tsig_op(req):
    import dns.tsig, dns.tsigkeyring
    alg = dns.name.from_text(req['algorithm'])
    key = dns.tsig.Key(dns.name.from_text(req['keyName']), req['secret'], alg)
    keyring = {key.name: key}
    out = {}
    if 'verify' in req:
        # a chain of messages: the first verified with requestMac, the next ones as continuations
        ctx = None
        results = []
        for i, w in enumerate(req['verify']):
            try:
                m = dns.message.from_wire(bytes.fromhex(w), keyring=keyring, request_mac=bytes.fromhex(req.get('requestMac', '')),
                                          multi=len(req['verify']) > 1, tsig_ctx=ctx)
                ctx = m.tsig_ctx
                results.append({'ok': True, 'mac': m.mac.hex()})
            except Exception as e:
                results.append({'ok': False, 'error': f'{type(e).__name__}: {e}'})
        out['verified'] = results
    if 'sign' in req:
        q = dns.message.from_wire(bytes.fromhex(req['sign']))
        q.use_tsig(keyring, key.name, fudge=300, algorithm=alg)
        out['signed'] = q.to_wire().hex()
        out['mac'] = q.mac.hex()
    if 'signChain' in req:
        q = dns.message.make_query('example.', 'AXFR')
        q.use_tsig(keyring, key.name, algorithm=alg)
        qw = q.to_wire()
        out['query'] = qw.hex()
        ctx = None
        chain = []
        for i in range(req['signChain']):
            r = dns.message.make_response(q)
            r.answer.append(dns.rrset.from_text('example.', 300, 'IN', 'TXT', f'"part {i}"'))
            r.use_tsig(keyring, key.name, algorithm=alg)
            chain.append(r.to_wire(multi=True, tsig_ctx=ctx).hex())
            ctx = r.tsig_ctx
        out['chain'] = chain
        out['queryMac'] = q.mac.hex()
    return out

def main():
    reqs = json.load(sys.stdin)
    res = []
    for r in reqs:
        res.append({'rdata': rdata_op, 'message': message_op, 'examples': examples_op, 'tsig': tsig_op}[r['op']](r))
    json.dump(res, sys.stdout)

main()
