# dnspython oracle for the wire codec tests: reads a JSON batch on stdin, answers a JSON batch on stdout.
# Each request is {"op": ...}; see the tests for the ops. Errors are returned per item, never raised.
import base64, json, sys
import dns.rdata, dns.rdataclass, dns.rdatatype, dns.name, dns.message, dns.edns, dns.flags

ORIGIN = dns.name.from_text('example.com.')

def rdata_op(req):
    t = dns.rdatatype.from_text(req['type'])
    out = {}
    try:
        rd = dns.rdata.from_text(dns.rdataclass.IN, t, req['text'], origin=ORIGIN, relativize=False)
        out['wire'] = rd.to_wire().hex()
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

def main():
    reqs = json.load(sys.stdin)
    res = []
    for r in reqs:
        res.append(rdata_op(r) if r['op'] == 'rdata' else message_op(r))
    json.dump(res, sys.stdout)

main()
