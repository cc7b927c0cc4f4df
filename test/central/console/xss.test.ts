// Stored and reflected script: every free-text value a page shows (a case reference, a name, a
// query value, a line id, an error message, a box's own words) arrives as markup-looking text
// and must leave as text.
import t from 'tap';
import type { Translator } from '../../../src/central/console/i18n/catalogue.js';
import { callPage, errorPage, loginPage, searchPage } from '../../../src/central/console/pages/index.js';
import type { HoldInfo, SearchForm } from '../../../src/central/console/pages/types.js';
import { callData, checkEscaped, indexedCall, LANGS, NOW, searchData, tr, XSS_PAYLOADS } from './fixture.js';

const PAYLOADS = XSS_PAYLOADS;

function pages(t: Translator, p: string): Record<string, string> {
  const who = { name: p, role: 'supervisor' as const };
  const hold: HoldInfo = { reason: 'complaint', caseRef: p, by: p, until: NOW + 1e9, at: NOW };
  const call = indexedCall(`id${p}`, {
    site: p, box: p, line: p, endReason: p, stopped: { at: NOW, by: p }, holds: [hold],
    notice: { status: 'not-played', error: p },
  });
  const query: SearchForm = { from: p, to: p, site: p, line: p, direction: p, number: p, minSeconds: p, maxSeconds: p, held: p, notice: p };
  return {
    login: String(loginPage(t, { csrf: p, step: 'password', name: p, error: p })),
    'login code': String(loginPage(t, { csrf: p, step: 'totp', name: p, error: p })),
    search: String(searchPage(t, searchData({
      user: who, csrf: p, query, sites: [p], error: { field: 'line', message: p }, next: p,
      results: [{ ...call, notice: { status: 'heard', score: 0.9, threshold: 0.6, offsetMs: 0 } }],
      live: [{ site: p, box: p, line: p, since: NOW }],
    }))),
    call: String(callPage(t, callData({ user: who, csrf: p, call, holds: [hold], error: p, notice: p }))),
    'call playing': String(callPage(t, callData({ user: who, csrf: p, call, holds: [hold], listen: { purpose: 'complaint', caseRef: p, audioUrl: `/audio/${p}` } }))),
    'call offline': String(callPage(t, callData({ user: who, csrf: p, call, holds: [hold], boxOnline: { online: false, lastSeen: NOW } }))),
    error: String(errorPage(t, { status: 400, message: p, user: who, csrf: p })),
  };
}

t.test('every free-text value comes out escaped, in every page and language', async (t) => {
  for (const lang of LANGS) {
    for (const p of PAYLOADS) {
      for (const [name, page] of Object.entries(pages(tr(lang), p))) {
        const what = `${name} (${lang}) with ${p}`;
        checkEscaped(t, page, p, what);
        t.ok(page.includes('&lt;') || page.includes('&quot;') || page.includes('&#39;') || page.includes('%3C') || page.includes('%22') || page.includes('%27'), `${what}: shown as text`);
      }
    }
  }
});

t.test('the text a case reference makes is the text typed', async (t) => {
  const p = PAYLOADS[1]!;
  const page = pages(tr('en'), p)['call playing']!;
  t.match(page, 'Case reference: &quot;&gt;&lt;img src=x onerror=alert(1)&gt;.');
  t.match(page, `<input type="hidden" name="_csrf" value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">`);
  t.match(page, /<audio controls preload="auto" src="\/audio\/&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;"/);
  // In a path, the id is URL-encoded as well as escaped.
  t.match(page, 'action="/console/calls/id%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/holds"');
});
