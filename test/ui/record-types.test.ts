// The admin UI's type-aware record fields (pure functions of src/ui): TXT quoting, CAA/MX/SRV/LUA
// splitting and joining, where an API error message belongs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { errorField, formFor, luaSyntaxProblem, quoteTxt, unquoteTxt } from '../../src/ui/src/pages/record-types.js';

describe('record fields of the admin UI', () => {
  it('quotes TXT for the user: escapes, non-ASCII as \\DDD, 255-octet strings', () => {
    assert.equal(quoteTxt('v=spf1 -all'), '"v=spf1 -all"');
    assert.equal(quoteTxt('say "hi" \\o/'), '"say \\"hi\\" \\\\o/"');
    assert.equal(quoteTxt('é'), '"\\195\\169"');
    const long = 'x'.repeat(300);
    assert.equal(quoteTxt(long), `"${'x'.repeat(255)}" "${'x'.repeat(45)}"`);
    for (const text of ['', 'plain', 'say "hi" \\o/', 'é', long]) assert.equal(unquoteTxt(quoteTxt(text)), text === '' ? '' : text);
  });

  it('splits and joins MX, SRV, CAA and LUA contents', () => {
    assert.deepEqual(formFor('MX').split('10 mail.example.org.'), { pref: '10', host: 'mail.example.org.' });
    assert.equal(formFor('MX').join({ pref: '20', host: 'mx.example.net.' }), '20 mx.example.net.');
    assert.equal(formFor('SRV').join({ prio: '0', weight: '5', port: '5060', target: 'sip.example.org.' }), '0 5 5060 sip.example.org.');
    assert.deepEqual(formFor('CAA').split('0 issue "letsencrypt.org"'), { flags: '0', tag: 'issue', value: 'letsencrypt.org' });
    assert.equal(formFor('CAA').join({ flags: '0', tag: 'iodef', value: 'mailto:sec@example.org' }), '0 iodef "mailto:sec@example.org"');
    const lua = formFor('LUA').join({ rtype: 'A', code: "pickclosest({'192.0.2.1'})" });
    assert.equal(lua, `A "pickclosest({'192.0.2.1'})"`);
    assert.deepEqual(formFor('LUA').split(lua), { rtype: 'A', code: "pickclosest({'192.0.2.1'})" });
    assert.deepEqual(formFor('LUA').split('TXT "\\"quoted\\""'), { rtype: 'TXT', code: '"quoted"' });
  });

  it('puts the API\'s messages at the field they are about', () => {
    assert.equal(errorField('Record a.e.test./A \'300.1.1.1\': A address: "300.1.1.1" is not an IPv4 address'), 'content');
    assert.equal(errorField('RRset a.other. IN A: Name is out of zone'), 'name');
    assert.equal(errorField('RRset a.e.test. IN A: TTL -5 is out of range'), 'ttl');
    assert.equal(errorField("Record m.e.test./MX '10': MX exchange: missing"), 'content');
    assert.equal(errorField('Conflict'), 'form');
  });

  it('finds unbalanced brackets and quotes in LUA before the server compiles it', () => {
    assert.equal(luaSyntaxProblem("pickclosest({'192.0.2.1','198.51.100.1'})"), '');
    assert.match(luaSyntaxProblem("pickclosest({'192.0.2.1'}"), /never closed/);
    assert.match(luaSyntaxProblem("ifportup(443, {'a')"), /unexpected/);
    assert.match(luaSyntaxProblem("country('DE"), /unterminated/);
  });
});
