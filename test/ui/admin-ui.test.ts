// The admin UI in a real browser (Debian chromium + playwright-core) against a real `geodesic serve`:
// accounts, zones, records (answers checked with dig), revert, field errors, viewer limits, axe, screenshots.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { dig } from '../e2e/lib/serve-process.js';
import { buildUi, DESKTOP, launch, newPage, PHONE, seriousViolations, SHOTS, signIn, startSite } from './ui-kit.js';
import type { Site } from './ui-kit.js';

const T = { timeout: 150_000 };
const ADMIN = { name: 'admin', password: 'admin-password-1' };
const VIEWER = { name: 'viewer', password: 'viewer-password-1' };
const ZONE = 'ui.test.';

const short = async (port: number, name: string, type = 'A'): Promise<string> =>
  (await dig(port, '+short', '+norec', name, type)).trim().split('\n').filter(Boolean).sort().join(' ');

/** Retries a DNS check for up to 5 s (the API answers after DNS serves a change; this only absorbs scheduling). */
async function eventually(check: () => Promise<string>, want: (v: string) => boolean): Promise<string> {
  let v = '';
  for (let i = 0; i < 25; i++) {
    v = await check();
    if (want(v)) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  return v;
}

describe('admin UI in chromium', { ...T, concurrency: false }, () => {
  let site: Site;
  let browser: Browser;
  let page: Page;

  before(async () => {
    buildUi();
    site = await startSite();
    browser = await launch();
    ({ page } = await newPage(browser));
  });
  after(async () => {
    await browser?.close();
    await site?.stop();
  });

  const apiAs = async (p: Page, method: string, path: string, body?: unknown) => p.evaluate(async ({ method, path, body }) => {
    const s = await (await fetch('/api/v1/geodesic/auth/session')).json() as { csrf?: string };
    const r = await fetch(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrf ?? '' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, text: await r.text() };
  }, { method, path, body });

  it('the app answers at / on 127.0.0.1 and ::1', async () => {
    for (const base of [site.base, site.base6]) {
      assert.notEqual(base, '', `no api-listening line for ::1:\n${site.served.log()}`);
      const r = await fetch(`${base}/`, { signal: AbortSignal.timeout(10_000) });
      assert.equal(r.status, 200, base);
      assert.match(await r.text(), /<div id="root">/);
    }
  });

  it('first sign-up becomes admin', async () => {
    await page.goto(`${site.base}/`);
    await page.getByText('the first account you create is the administrator').waitFor();
    await page.getByLabel('User name').fill(ADMIN.name);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('Password again').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('link', { name: 'Users' }).waitFor();
    assert.match(await page.locator('.who').innerText(), /admin\s+admin/);
  });

  it('sign-up is then closed: a second sign-up is refused (UI and API)', async () => {
    const { ctx, page: other } = await newPage(browser);
    await other.goto(`${site.base}/?signup`);
    await other.getByLabel('User name').fill('mallory');
    await other.getByLabel('Password', { exact: true }).fill('mallory-password');
    await other.getByLabel('Password again').fill('mallory-password');
    await other.getByRole('button', { name: 'Create account' }).click();
    await other.getByRole('alert').filter({ hasText: 'sign-up is closed' }).waitFor();
    const r = await fetch(`${site.base}/api/v1/geodesic/auth/signup`, { method: 'POST', body: JSON.stringify({ name: 'eve', password: 'eve-password-1' }), headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 403);
    await ctx.close();
  });

  it('creates a zone from the template and adds an A record that dig answers', async () => {
    await page.getByRole('link', { name: 'Zones', exact: true }).click();
    await page.getByRole('button', { name: 'New zone' }).click();
    await page.getByLabel('Zone name').fill(ZONE);
    await page.getByLabel('Name servers').fill('ns1.ui.test. ns2.ui.test.');
    await page.getByRole('button', { name: 'Create zone' }).click();
    await page.getByRole('heading', { name: ZONE }).waitFor();
    assert.equal(await short(site.dns, ZONE, 'NS'), 'ns1.ui.test. ns2.ui.test.');
    await page.getByRole('button', { name: 'Add record' }).click();
    await page.getByLabel('Name', { exact: true }).fill('www');
    await page.getByLabel('IPv4 address').fill('192.0.2.10');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(`Saved www.${ZONE} A.`).waitFor();
    assert.equal(await short(site.dns, `www.${ZONE}`), '192.0.2.10');
  });

  it('adds a LUA geo record in the raw editor and dig gets an answer from it', async () => {
    await page.getByRole('link', { name: 'Geo', exact: true }).click();
    const editor = page.locator('.card', { hasText: 'Raw LUA editor' });
    await editor.getByLabel('Name', { exact: true }).fill('geo');
    await editor.getByLabel('LUA code').fill(';if x then return 1');
    await editor.getByRole('button', { name: 'Check syntax' }).click();
    await editor.getByText("'end' expected").waitFor();
    assert.equal(await editor.getByLabel('LUA code').getAttribute('aria-invalid'), 'true');
    await editor.getByLabel('LUA code').fill("pickclosest({'192.0.2.1','198.51.100.1'})");
    await editor.getByRole('button', { name: 'Save LUA record' }).click();
    await page.getByText(`Saved LUA record geo.${ZONE}`).waitFor();
    const a = await eventually(() => short(site.dns, `geo.${ZONE}`), (v) => v !== '');
    assert.ok(['192.0.2.1', '198.51.100.1'].includes(a), `geo answer: ${a}`);
  });

  it('adds a declarative geo record in the form; the map shows what vantage points get', async () => {
    await page.getByRole('button', { name: 'New geo record' }).click();
    const form = page.locator('form', { hasText: 'New geo record' });
    await form.getByLabel('Record name').fill('near');
    await form.getByLabel('Name (endpoint 1)').fill('fra');
    await form.getByLabel('Address (endpoint 1)').fill('192.0.2.21');
    await form.getByLabel('Latitude').fill('50.1');
    await form.getByLabel('Longitude').fill('8.7');
    await form.getByRole('button', { name: 'Another endpoint' }).click();
    await form.getByLabel('Name (endpoint 2)').fill('nyc');
    await form.getByLabel('Address (endpoint 2)').fill('198.51.100.21');
    await form.getByLabel('Latitude').nth(1).fill('40.7');
    await form.getByLabel('Longitude').nth(1).fill('-74.0');
    await form.getByRole('button', { name: 'Save geo record' }).click();
    await page.getByText(`Saved geo record near.${ZONE}`).waitFor();
    const a = await eventually(() => short(site.dns, `near.${ZONE}`), (v) => v !== '');
    assert.ok(a.includes('192.0.2.21') || a.includes('198.51.100.21'), `near answer: ${a}`);
    await page.locator('.map circle').nth(19).waitFor({ state: 'attached' });
    await page.getByText('Answers as a table').click();
    const frankfurt = await page.getByRole('row', { name: /Frankfurt/ }).innerText();
    const chicago = await page.getByRole('row', { name: /Chicago/ }).innerText();
    assert.match(frankfurt, /192\.0\.2\.21/);
    assert.match(chicago, /198\.51\.100\.21/);
  });

  it('edits a record and reverts the edit from the history', async () => {
    await page.getByRole('link', { name: 'Records' }).click();
    await page.getByRole('button', { name: `Edit www.${ZONE} A` }).click();
    await page.getByLabel('IPv4 address').fill('192.0.2.11');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(`Saved www.${ZONE} A.`).waitFor();
    assert.equal(await short(site.dns, `www.${ZONE}`), '192.0.2.11');
    await page.getByRole('link', { name: 'History' }).click();
    const newest = page.locator('.history > li').first();
    assert.match(await newest.innerText(), /192\.0\.2\.11/);
    await newest.getByRole('button', { name: /Revert change/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revert' }).click();
    await page.getByText(/reverted/).waitFor();
    assert.equal(await short(site.dns, `www.${ZONE}`), '192.0.2.10');
  });

  it('bulk TTL change of selected RRsets is one change; a comment is kept with its RRset', async () => {
    await page.getByRole('link', { name: 'Records' }).click();
    await page.getByRole('button', { name: `Edit www.${ZONE} A` }).click();
    await page.getByLabel('Comment').fill('web front');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('web front').waitFor();
    await page.getByRole('checkbox', { name: `Select www.${ZONE} A` }).check();
    await page.getByRole('checkbox', { name: `Select near.${ZONE} LUA` }).check();
    await page.getByLabel('New TTL').fill('120');
    await page.getByRole('button', { name: 'Set TTL' }).click();
    await page.getByText('TTL 120 set on 2 RRsets in one change.').waitFor();
    const h = JSON.parse((await apiAs(page, 'GET', `/api/v1/geodesic/zones/${ZONE}/history?limit=1`)).text) as { changes: { name: string; after: { ttl: number } | null }[] }[];
    const touched = h[0]!.changes.filter((c) => c.name !== ZONE).map((c) => `${c.name} ${c.after?.ttl}`).sort();
    assert.deepEqual(touched, [`near.${ZONE} 120`, `www.${ZONE} 120`]);
    assert.match((await dig(site.dns, '+norec', `www.${ZONE}`, 'A')), /\s120\s+IN\s+A\s+192\.0\.2\.10/);
  });

  it('a bad record shows the API error at its field and nothing is saved', async () => {
    await page.getByRole('link', { name: 'Records' }).click();
    await page.getByRole('button', { name: 'Add record' }).click();
    await page.getByLabel('Name', { exact: true }).fill('bad');
    const field = page.getByLabel('IPv4 address');
    await field.fill('300.1.2.3');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.field.invalid .field-error').waitFor();
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    const described = await field.getAttribute('aria-describedby');
    assert.match(await page.locator(`[id="${described!.split(' ')[0]}"]`).innerText(), /300\.1\.2\.3|address|IPv4/i);
    const r = await apiAs(page, 'GET', `/api/v1/geodesic/zones/${ZONE}/rrsets?q=bad.`);
    assert.equal(JSON.parse(r.text).total, 0);
    assert.equal(await short(site.dns, `bad.${ZONE}`), '');
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('works from the keyboard: sign in, skip link, a confirmation dialog closed with Escape', async () => {
    const { ctx, page: k } = await newPage(browser);
    await k.goto(`${site.base}/`);
    await k.getByLabel('User name').focus();
    await k.keyboard.type(ADMIN.name);
    await k.keyboard.press('Tab');
    await k.keyboard.type(ADMIN.password);
    await k.keyboard.press('Enter');
    await k.getByRole('button', { name: 'Log out' }).waitFor();
    await k.goto(`${site.base}/zones`);
    await k.getByRole('link', { name: ZONE }).waitFor();
    await k.keyboard.press('Tab');
    assert.equal(await k.locator(':focus').textContent(), 'Skip to content');
    await k.keyboard.press('Enter');
    assert.equal(await k.locator(':focus').getAttribute('id'), 'main');
    await k.getByRole('button', { name: `Delete zone ${ZONE}` }).focus();
    await k.keyboard.press('Enter');
    await k.getByRole('dialog').waitFor();
    assert.equal(await k.locator('dialog :focus').count(), 1, 'focus moves into the dialog');
    await k.keyboard.press('Escape');
    await k.getByRole('dialog').waitFor({ state: 'detached' });
    assert.equal(await k.locator(':focus').getAttribute('aria-label'), `Delete zone ${ZONE}`, 'focus returns to the button');
    assert.equal(await short(site.dns, `www.${ZONE}`), '192.0.2.10', 'nothing deleted');
    // A session ended elsewhere ("log out everywhere"): the next API call brings the sign-in page back.
    const other = await newPage(browser);
    await signIn(other.page, site.base, ADMIN.name, ADMIN.password);
    assert.equal((await apiAs(other.page, 'POST', '/api/v1/geodesic/auth/logout-all')).status, 200);
    await other.ctx.close();
    await k.getByRole('link', { name: 'Users' }).click();
    await k.getByRole('heading', { name: 'Sign in' }).waitFor();
    await ctx.close();
    await signIn(page, site.base, ADMIN.name, ADMIN.password); // the main page's session ended too
  });

  it('a viewer can change nothing, in the UI and through the API', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    const form = page.locator('form', { hasText: 'New user' });
    await form.getByLabel('User name').fill(VIEWER.name);
    await form.getByLabel('Password').fill(VIEWER.password);
    await form.getByRole('button', { name: 'Create user' }).click();
    await page.getByText(`User ${VIEWER.name} created.`).waitFor();

    const { ctx, page: v } = await newPage(browser);
    await signIn(v, site.base, VIEWER.name, VIEWER.password);
    await v.goto(`${site.base}/zones/${ZONE}`);
    await v.getByRole('cell', { name: 'www', exact: true }).waitFor();
    assert.equal(await v.getByRole('button', { name: 'Add record' }).count(), 0);
    assert.equal(await v.getByRole('button', { name: /^Edit / }).count(), 0);
    await v.goto(`${site.base}/zones`);
    await v.getByRole('link', { name: ZONE }).waitFor();
    assert.equal(await v.getByRole('button', { name: 'New zone' }).count(), 0);
    assert.equal(await v.getByRole('button', { name: /^Delete zone/ }).count(), 0);
    const patch = await apiAs(v, 'PATCH', `/api/v1/servers/localhost/zones/${ZONE}`, { rrsets: [{ name: `www.${ZONE}`, type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '192.0.2.66', disabled: false }] }] });
    assert.equal(patch.status, 403, patch.text);
    const del = await apiAs(v, 'DELETE', `/api/v1/servers/localhost/zones/${ZONE}`);
    assert.equal(del.status, 403, del.text);
    const settings = await apiAs(v, 'PATCH', '/api/v1/geodesic/settings', { allowSignup: true });
    assert.equal(settings.status, 403);
    assert.equal(await short(site.dns, `www.${ZONE}`), '192.0.2.10');
    await ctx.close();
  });

  it('an operator changes the records of its zones only', async () => {
    await page.goto(`${site.base}/users`);
    await page.getByLabel(`Role of ${VIEWER.name}`).selectOption('operator');
    await page.getByText(`User ${VIEWER.name} changed.`).waitFor();
    await page.getByLabel(`Zones of ${VIEWER.name}`).fill(ZONE);
    await page.getByRole('heading', { name: 'Users' }).click(); // blur saves the zones
    const zonesOf = async () => ((JSON.parse((await apiAs(page, 'GET', '/api/v1/geodesic/users')).text) as { name: string; zones: string[] }[])
      .find((u) => u.name === VIEWER.name)?.zones ?? []).join(' ');
    assert.equal(await eventually(zonesOf, (z) => z === ZONE), ZONE);
    const { ctx, page: o } = await newPage(browser);
    await signIn(o, site.base, VIEWER.name, VIEWER.password);
    await o.goto(`${site.base}/zones/${ZONE}`);
    await o.getByRole('button', { name: 'Add record' }).waitFor();
    const own = await apiAs(o, 'PATCH', `/api/v1/servers/localhost/zones/${ZONE}`, { rrsets: [{ name: `op.${ZONE}`, type: 'TXT', changetype: 'REPLACE', ttl: 60, records: [{ content: '"operator"', disabled: false }] }] });
    assert.equal(own.status, 204, own.text);
    const other = await apiAs(o, 'POST', '/api/v1/servers/localhost/zones', { name: 'other.test.', kind: 'Native', nameservers: ['ns1.other.test.'] });
    assert.equal(other.status, 403, other.text);
    assert.equal((await apiAs(o, 'GET', '/api/v1/geodesic/users')).status, 403);
    await ctx.close();
  });

  it('imports a pasted zone file: the diff is shown first, nothing written until Apply', async () => {
    await page.goto(`${site.base}/zones/${ZONE}/import`);
    const text = [`$ORIGIN ${ZONE}`, '@ 3600 IN SOA ns1 hostmaster 1 3600 600 86400 300', '@ NS ns1', '@ NS ns2',
      'www 300 A 192.0.2.10', 'mail 300 MX 10 mx.example.net.', 'txt 300 TXT "imported"',
      `geo 60 LUA A "pickclosest({'192.0.2.1','198.51.100.1'})"`].join('\n');
    await page.getByLabel('Zone file text').fill(text);
    await page.getByRole('button', { name: 'Preview changes' }).click();
    await page.getByText(/RRsets? would change/).waitFor();
    const diff = await page.locator('.card', { hasText: 'would change' }).innerText();
    assert.match(diff, /mail\.ui\.test\. MX/);
    assert.match(diff, /near\.ui\.test\. LUA/, 'RRsets missing from the file are deleted');
    assert.doesNotMatch(diff, /geo\.ui\.test\. LUA/, 'unchanged RRsets are not in the diff');
    assert.equal(await short(site.dns, `txt.${ZONE}`, 'TXT'), '', 'nothing written before Apply');
    await page.getByRole('button', { name: 'Apply changes' }).click();
    await page.getByText(/^Imported:/).waitFor();
    assert.equal(await short(site.dns, `txt.${ZONE}`, 'TXT'), '"imported"');
    assert.equal(await short(site.dns, `mail.${ZONE}`, 'MX'), '10 mx.example.net.');
  });

  it('enables DNSSEC from the DNSSEC tab: keys and DS shown, answers signed', async () => {
    await page.goto(`${site.base}/zones/${ZONE}/dnssec`);
    await page.getByRole('button', { name: 'Enable DNSSEC' }).click();
    const ds = page.locator('.ds code').first();
    await ds.waitFor();
    assert.match(await ds.innerText(), /^\d+ 13 2 [0-9A-F]{64}$/);
    const signed = await eventually(() => dig(site.dns, '+dnssec', '+norec', `www.${ZONE}`, 'A'), (v) => /RRSIG/.test(v));
    assert.match(signed, /RRSIG\s+A\s+13/);
    await page.getByRole('button', { name: 'Roll the CSK' }).click();
    await page.getByRole('heading', { name: 'Rollover in progress' }).waitFor();
    assert.match(await page.locator('.card', { hasText: 'Rollover in progress' }).innerText(), /rollover to key \d+/);
  });

  it('new zones take the NS set and SOA from the settings', async () => {
    await page.goto(`${site.base}/settings`);
    await page.getByLabel('Default name servers').fill('ns1.example.net ns2.example.net');
    await page.getByLabel('Default SOA').fill('ns1.example.net. dns-admin.example.net. 0 7200 1800 1209600 300');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    await page.goto(`${site.base}/zones`);
    await page.getByRole('button', { name: 'New zone' }).click();
    await page.getByLabel('Zone name').fill('tmpl.test');
    assert.equal(await page.getByLabel('Name servers').inputValue(), 'ns1.example.net. ns2.example.net.');
    await page.getByRole('button', { name: 'Create zone' }).click();
    await page.getByRole('heading', { name: 'tmpl.test.' }).waitFor();
    assert.equal(await short(site.dns, 'tmpl.test.', 'NS'), 'ns1.example.net. ns2.example.net.');
    assert.match(await short(site.dns, 'tmpl.test.', 'SOA'), /^ns1\.example\.net\. dns-admin\.example\.net\. \d+ 7200 1800 1209600 300$/);
  });

  it('exports a zone file from the zones list', async () => {
    await page.goto(`${site.base}/zones`);
    const row = page.getByRole('row', { name: new RegExp(`^${ZONE.replaceAll('.', '\\.')}`) });
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: 'Export' }).click()]);
    const { readFile } = await import('node:fs/promises');
    const text = await readFile((await download.path())!, 'utf8');
    assert.match(text, /^www\.ui\.test\.\s+\d+\s+IN\s+A\s+192\.0\.2\.10$/m);
    assert.match(text, /IN\s+SOA/);
  });

  it('the replication page shows a secondary that transferred a zone', async () => {
    const acl = await apiAs(page, 'PUT', `/api/v1/servers/localhost/zones/${ZONE}/metadata/ALLOW-AXFR-FROM`, { kind: 'ALLOW-AXFR-FROM', metadata: ['127.0.0.0/8'] });
    assert.equal(acl.status, 200, acl.text);
    const axfr = await dig(site.dns, `${ZONE}`, 'AXFR');
    assert.match(axfr, /IN\s+SOA/, axfr);
    await page.goto(`${site.base}/replication`);
    const row = page.getByRole('row', { name: new RegExp(`${ZONE.replaceAll('.', '\\.')}.*127\\.0\\.0\\.1`) });
    await row.waitFor();
    assert.match(await row.innerText(), /current/);
  });

  it('a zone of 10,000 records stays responsive: virtualized rows, server-side search and paging', async () => {
    const lines = ['$ORIGIN big.test.', '@ 3600 IN SOA ns1 hostmaster 1 3600 600 86400 300', '@ NS ns1', 'ns1 A 192.0.2.53'];
    for (let i = 0; i < 10_000; i++) lines.push(`h${String(i).padStart(5, '0')} 300 A 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    const made = await apiAs(page, 'POST', '/api/v1/servers/localhost/zones', { name: 'big.test.', kind: 'Native', nameservers: [], zone: lines.join('\n') + '\n' });
    assert.equal(made.status, 201, made.text.slice(0, 300));
    let t0 = Date.now();
    await page.goto(`${site.base}/zones/big.test.`);
    await page.getByText('10003 RRsets').waitFor();
    const firstRows = Date.now() - t0;
    assert.ok(await page.locator('.rr-body [role=row]').count() < 100, 'rows are virtualized');
    t0 = Date.now();
    await page.locator('.rr-body').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await page.getByRole('cell', { name: 'h09999', exact: true }).waitFor();
    const scrolled = Date.now() - t0;
    t0 = Date.now();
    await page.getByLabel('Search records').fill('h04321');
    await page.getByText('1 RRset', { exact: true }).waitFor();
    await page.getByRole('cell', { name: 'h04321', exact: true }).waitFor();
    const searched = Date.now() - t0;
    await page.goto(`${site.base}/zones`);
    await page.getByRole('button', { name: 'Delete zone big.test.' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete zone' }).click();
    await page.getByText('Zone big.test. deleted.').waitFor();
    assert.equal(await page.getByRole('link', { name: 'big.test.' }).count(), 0);
    assert.match(await dig(site.dns, '+norec', 'h00001.big.test.', 'A'), /status: REFUSED/);
    console.log(`10,000 records: first rows ${firstRows} ms, scroll to the end ${scrolled} ms, search ${searched} ms`);
  });

  const PAGES: [string, string][] = [
    ['dashboard', '/'], ['zones', '/zones'], ['records', `/zones/${ZONE}`], ['history', `/zones/${ZONE}/history`],
    ['import', `/zones/${ZONE}/import`], ['geo', `/zones/${ZONE}/geo`], ['dnssec', `/zones/${ZONE}/dnssec`],
    ['replication', '/replication'], ['settings', '/settings'], ['users', '/users'], ['account', '/account'],
  ];

  it('the dashboard shows queries per second and response codes from /metrics', async () => {
    await page.goto(`${site.base}/`);
    await page.getByText('queries per second').waitFor();
    const codes = page.locator('.card', { hasText: 'Response codes' });
    await codes.getByRole('rowheader', { name: 'NOERROR' }).waitFor();
    await page.locator('.stat .big').first().filter({ hasText: /^\d+\.\d$/ }).waitFor({ timeout: 12_000 });
    await page.getByRole('heading', { name: 'Top names (estimated)' }).waitFor();
    await page.getByRole('heading', { name: 'Geo answers per endpoint' }).waitFor();
  });

  it('axe finds no serious violation on any page (light; main pages dark too)', async () => {
    const problems: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      const { ctx, page: p } = await newPage(browser, { ...DESKTOP, colorScheme: scheme });
      await p.goto(`${site.base}/`);
      for (const v of await seriousViolations(p)) problems.push(`login (${scheme}): ${v}`);
      await signIn(p, site.base, ADMIN.name, ADMIN.password);
      // Every page in light mode; in dark mode (colours only differ) the main ones.
      for (const [name, path] of PAGES.filter(([n]) => scheme === 'light' || ['dashboard', 'zones', 'records', 'history', 'geo', 'settings'].includes(n))) {
        await p.goto(`${site.base}${path}`);
        await p.locator('main h1').first().waitFor();
        await p.waitForLoadState('networkidle');
        for (const v of await seriousViolations(p)) problems.push(`${name} (${scheme}): ${v}`);
      }
      // The inline editor and the confirmation dialog too.
      await p.goto(`${site.base}/zones/${ZONE}`);
      await p.getByRole('button', { name: `Edit www.${ZONE} A` }).click();
      await p.getByLabel('IPv4 address').waitFor();
      for (const v of await seriousViolations(p)) problems.push(`inline editor (${scheme}): ${v}`);
      if (scheme === 'light') await p.screenshot({ path: join(SHOTS, 'records-edit-desktop.png') });
      await p.goto(`${site.base}/zones/${ZONE}/history`);
      await p.getByRole('button', { name: /Revert change/ }).first().click();
      await p.getByRole('dialog').waitFor();
      for (const v of await seriousViolations(p)) problems.push(`revert dialog (${scheme}): ${v}`);
      await ctx.close();
    }
    assert.deepEqual(problems, []);
  });

  it('saves screenshots of the main pages (desktop, phone, dark) into docs/screenshots', async () => {
    const variants = [['desktop', DESKTOP], ['phone', PHONE], ['dark', { ...DESKTOP, colorScheme: 'dark' as const }]] as const;
    for (const [variant, opts] of variants) {
      const { ctx, page: p } = await newPage(browser, opts);
      await p.goto(`${site.base}/`);
      await p.screenshot({ path: join(SHOTS, `login-${variant}.png`) });
      await signIn(p, site.base, ADMIN.name, ADMIN.password);
      for (const [name, path] of PAGES.filter(([n]) => ['dashboard', 'zones', 'records', 'history', 'geo'].includes(n))) {
        await p.goto(`${site.base}${path}`);
        await p.locator('main h1').first().waitFor();
        await p.waitForLoadState('networkidle');
        await p.screenshot({ path: join(SHOTS, `${name}-${variant}.png`), fullPage: variant !== 'phone' });
      }
      await ctx.close();
    }
  });
});
