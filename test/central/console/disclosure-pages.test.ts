// The disclosure register's pages as rendered: whole documents in both languages with every
// field labelled and every form carrying its token; every key of disclosure.json used; the list,
// the new-entry form with and without configured recipients, each refusal pointing at its field;
// an entry in each of its states; and every free-text value (recipient, basis, case reference,
// particulars, a mistyped id) escaped. The call page's early-deletion form is here too.
import t from 'tap';
import type { Translator } from '../../../src/central/console/i18n/catalogue.js';
import { callPage, errorPage } from '../../../src/central/console/pages/index.js';
import { DISCLOSURE_PROBLEMS, disclosuresPage, type DisclosuresPageData } from '../../../src/central/console/pages/disclosure.js';
import { DISCLOSURE_BOX_REASONS, DISCLOSURE_NOTICES, EXPORT_PROBLEMS, disclosurePage, type DisclosurePageData } from '../../../src/central/console/pages/disclosure-entry.js';
import type { Viewer } from '../../../src/central/console/pages/types.js';
import { callData, checkDocument, checkEscaped, CSRF, DAY, keysOfPart, LANGS, NOW, postForms, tr, trackingTranslator, XSS_PAYLOADS } from './fixture.js';

const PIA: Viewer = { name: 'pia', role: 'privacy-officer' };
const ID = '2f1d8a52-1c3b-4b8e-9d51-6a0f7d2e9c11';
const REC = (n: number) => `019ac9d2-0000-7000-8000-00000000000${n}`;
const PRESETS = {
  recipients: ['Kansaneläkelaitos', 'Työttömyyskassa'],
  bases: ['Laki julkisesta työvoima- ja yrityspalvelusta (916/2012) 13 luku 5 §', 'Työttömyysturvalaki (1290/2002) 13 luku 1 §'],
};

function listData(extra: Partial<DisclosuresPageData> = {}): DisclosuresPageData {
  return {
    user: PIA, csrf: CSRF, presets: PRESETS,
    entries: [
      { id: ID, caseRef: 'KEHA/123/2026', recipient: 'Kansaneläkelaitos', basis: PRESETS.bases[0]!, status: 'open', decidedBy: 'pia', decidedAt: NOW - DAY, recordings: 2 },
      { id: 'e-2', caseRef: 'KEHA/99/2026', recipient: 'Poliisi', basis: 'Poliisilaki 4 luku 3 §', status: 'complete', decidedBy: 'pia', decidedAt: NOW - 9 * DAY, completedAt: NOW - 2 * DAY, recordings: 1 },
    ],
    ...extra,
  };
}

const recording = (n: number, extra: Partial<DisclosurePageData['recordings'][number]> = {}): DisclosurePageData['recordings'][number] => ({
  id: REC(n), site: 'lappeenranta', box: 'lpr-1', start: NOW - n * DAY, hold: 'held', until: NOW + 300 * DAY, call: { durationMs: 252_000 }, ...extra,
});

function entryData(extra: Partial<DisclosurePageData> = {}, entry: Partial<DisclosurePageData['entry']> = {}): DisclosurePageData {
  const recordings = [
    recording(1),
    recording(2, { hold: 'not-held', until: undefined, problem: 'timeout' }),
    recording(3, { hold: 'not-held', until: undefined, problem: 'TAL_SOMETHING_NEW' }),
    recording(4, { hold: 'gone', call: { durationMs: 1000, deleted: { at: NOW - DAY } } }),
    recording(5, { hold: 'not-held', problem: undefined, call: undefined }),
  ];
  return {
    user: PIA, csrf: CSRF,
    entry: {
      v: 1, id: ID, caseRef: 'KEHA/123/2026', recipient: 'Kansaneläkelaitos', recipientPreset: true, basis: 'Työttömyysturvalaki 13 luku 1 §', basisPreset: false,
      disclosed: { recordings: true, metadata: true }, decidedBy: 'pia', decidedAt: NOW - DAY, status: 'open', ...entry,
    },
    details: 'Kelan pyyntö 27.11.2026',
    recordings, caps: Object.fromEntries(recordings.map((r) => [r.id, r.start + 365 * DAY])),
    ...extra,
  };
}

const completeData = (extra: Partial<DisclosurePageData> = {}) =>
  entryData(
    {
      recordings: [
        recording(1, { hold: 'released' }),
        recording(2, { hold: 'not-released', problem: 'TAL_HOLD_INVALID' }),
        recording(3, { hold: 'not-released', problem: undefined }),
      ],
      ...extra,
    },
    { status: 'complete', completedBy: 'pia', completedAt: NOW, disclosed: { recordings: true, metadata: false } },
  );

const deleteCall = (extra: Parameters<typeof callData>[0] = {}) => callData({ user: PIA, canDelete: true, ...extra });

const PAGES: Record<string, (t: Translator) => string> = {
  list: (t) => String(disclosuresPage(t, listData())),
  'list, empty, nothing configured': (t) => String(disclosuresPage(t, listData({ entries: [], presets: { recipients: [], bases: [] } }))),
  ...Object.fromEntries(
    DISCLOSURE_PROBLEMS.flatMap((code) => [
      [`refused ${code}`, (t: Translator) => String(disclosuresPage(t, listData({ error: { code, id: 'x-1' }, form: { recipient: 'Poliisi', recordings: true, ids: 'x-1' } })))],
      [`refused ${code}, nothing configured`, (t: Translator) => String(disclosuresPage(t, listData({ presets: { recipients: [], bases: [] }, error: { code, id: 'x-1' } })))],
    ]),
  ),
  entry: (t) => String(disclosurePage(t, entryData())),
  ...Object.fromEntries(DISCLOSURE_NOTICES.map((n) => [`entry ${n}`, (t: Translator) => String(disclosurePage(t, entryData({ notice: n })))])),
  ...Object.fromEntries(EXPORT_PROBLEMS.map((code) => [`entry ${code}`, (t: Translator) => String(disclosurePage(t, entryData({ error: { code, box: 'lpr-1' } })))])),
  'entry, recordings only, no particulars': (t) => String(disclosurePage(t, entryData({ details: undefined }, { disclosed: { recordings: true, metadata: false } }))),
  'entry, metadata only': (t) => String(disclosurePage(t, entryData({}, { disclosed: { recordings: false, metadata: true }, recipientPreset: false, basisPreset: true }))),
  'entry, every hold in place': (t) => String(disclosurePage(t, entryData({ recordings: [recording(1)] }))),
  complete: (t) => String(disclosurePage(t, completeData())),
  'complete, all released': (t) => String(disclosurePage(t, completeData({ recordings: [recording(1, { hold: 'released' }), recording(2, { hold: 'gone' })] }))),
  // The unknown-reason message, and each box reason in words.
  ...Object.fromEntries(
    DISCLOSURE_BOX_REASONS.map((p) => [`entry ${p}`, (t: Translator) => String(disclosurePage(t, entryData({ recordings: [recording(1, { hold: 'not-held', problem: p })] })))]),
  ),
  'entry, reason unknown': (t) => String(disclosurePage(t, entryData({ recordings: [recording(1, { hold: 'not-released', problem: undefined })] }))),
};

t.test('every page is a whole, labelled document in its language', async (t) => {
  for (const lang of LANGS) {
    for (const [name, render] of Object.entries(PAGES)) {
      const page = render(tr(lang));
      const what = `${name} (${lang})`;
      checkDocument(t, page, lang, what);
      t.match(page, /<a href="\/console\/registers" aria-current="page">/, `${what}: the registers section is current`);
      t.match(page, /<a href="\/console\/registers\/disclosure" aria-current="page">/, `${what}: and the disclosure register in its menu`);
    }
  }
});

t.test('the disclosure part of the catalogue is used, every key', async (t) => {
  for (const lang of LANGS) {
    const { t: tt, used } = trackingTranslator(lang);
    for (const render of Object.values(PAGES)) render(tt);
    // The call page's early deletion, whose messages live here too (the registers' part of issue 9).
    for (const d of [deleteCall(), deleteCall({ boxOnline: { online: false } })]) String(callPage(tt, d));
    for (const key of ['delete.done', 'delete.error.reason', 'delete.error.confirm', 'delete.error.timeout', 'delete.error.refused', 'delete.error.failed']) {
      // Said by the route (routes/deletion.ts) in the call page's alert or notice.
      String(callPage(tt, deleteCall({ error: tt(key, { max: 500, box: 'lpr-1', reason: 'TAL_X', date: tt.fmt.dateTime(NOW) }) })));
    }
    // The route's 404 for an entry that does not exist, on the console's error page.
    checkDocument(t, String(errorPage(tt, { status: 404, message: tt('disclosure.error.notFound'), user: PIA, csrf: CSRF })), lang, `not found (${lang})`);
    const unused = keysOfPart('disclosure').filter((k) => !used.has(k));
    t.same(unused, [], `${lang}: no key of disclosure.json is left unused`);
  }
});

t.test('the list and the new-entry form', async (t) => {
  const page = PAGES['list']!(tr('en'));
  t.match(page, /<caption id="disclosures-caption">Disclosures \(2\)<\/caption>/);
  t.match(page, /<th scope="col">Case reference<\/th><th scope="col">Recipient<\/th><th scope="col">Legal basis<\/th><th scope="col">Status<\/th><th scope="col">Decided<\/th><th scope="col">Recordings<\/th>/);
  t.match(page, new RegExp(`<td><a href="/console/registers/disclosure/${ID}">KEHA/123/2026</a></td>\\s*<td>Kansaneläkelaitos</td>`));
  t.match(page, /<span class="status open">Open<\/span>/);
  t.match(page, /<span class="status complete">Complete<\/span><br><span class="muted">2026-11-26 12:05<\/span>/);
  t.match(page, /<td>2026-11-27 12:05, pia<\/td>\s*<td class="num">2<\/td>/);
  t.match(page, /<form method="post" action="\/console\/registers\/disclosure" class="stack disclosure-form"/);
  t.match(page, /<select id="d-recipient-preset" name="recipientPreset"[^>]*><option value="">Other \(type below\)<\/option><option value="Kansaneläkelaitos">Kansaneläkelaitos<\/option><option value="Työttömyyskassa">/);
  t.match(page, /<label for="d-recipient">Other recipient<\/label><input id="d-recipient" name="recipient" type="text" autocomplete="off" maxlength="200"/);
  t.match(page, /<select id="d-basis-preset" name="basisPreset"/);
  t.match(page, /<fieldset class="what"><legend>Disclosed<\/legend>/);
  t.match(page, /<input id="d-what-recordings" name="recordings" type="checkbox" value="yes">/);
  t.match(page, /<input id="d-what-metadata" name="metadata" type="checkbox" value="yes">/);
  t.match(page, /<textarea id="d-ids" name="ids" rows="4" required aria-describedby="d-ids-hint"><\/textarea>/);
  t.match(page, /<textarea id="d-details" name="details" rows="3" maxlength="1000" aria-describedby="d-details-hint"><\/textarea>/);
  t.match(page, /no phone numbers/, 'the form says the details carry no numbers');
  t.equal(postForms(page), 3, 'the new entry, logout and language');

  const bare = PAGES['list, empty, nothing configured']!(tr('fi'));
  t.match(bare, /<p>Luovutuksia ei ole kirjattu\.<\/p>/);
  t.notMatch(bare, /<select id="d-/, 'no preset select when none is configured');
  t.match(bare, /<label for="d-recipient">Vastaanottaja<\/label><input id="d-recipient" name="recipient" type="text"[^>]* required/);
  t.match(bare, /asetuksissa ei ole määritelty/);

  const refused = String(disclosuresPage(tr('en'), listData({ error: { code: 'ids-missing', id: REC(9) }, form: { recipientPreset: 'Työttömyyskassa', basis: 'Laki', metadata: true, caseRef: 'K/1', ids: `${REC(1)}\n${REC(9)}`, details: 'pyyntö' } })));
  t.match(refused, new RegExp(`<p class="alert" role="alert" id="disclosure-error">Recording ${REC(9)} is not in the call index\\. <a href="#d-ids">Go to the field: Recordings to disclose</a></p>`));
  t.match(refused, /<textarea id="d-ids" name="ids" rows="4" required aria-invalid="true" aria-describedby="disclosure-error d-ids-hint">019ac9d2-0000-7000-8000-000000000001\n019ac9d2-0000-7000-8000-000000000009<\/textarea>/, 'the ids as typed, marked');
  t.match(refused, /<option value="Työttömyyskassa" selected>/, 'the chosen recipient kept');
  t.match(refused, /<input id="d-basis" name="basis" type="text" value="Laki"/);
  t.match(refused, /<input id="d-what-metadata" name="metadata" type="checkbox" value="yes" checked>/);
  t.match(refused, /<input id="d-what-recordings" name="recordings" type="checkbox" value="yes">/);
  t.match(refused, /<textarea id="d-details"[^>]*>pyyntö<\/textarea>/);

  const what = String(disclosuresPage(tr('en'), listData({ error: { code: 'what-none' } })));
  t.match(what, /<fieldset class="what" aria-describedby="disclosure-error">/);
  t.match(what, /<a href="#d-what-recordings">Go to the field: Disclosed<\/a>/);
  const recipient = String(disclosuresPage(tr('en'), listData({ error: { code: 'recipient-both' } })));
  t.match(recipient, /<select id="d-recipient-preset"[^>]* aria-invalid="true" aria-describedby="disclosure-error d-recipient-preset-hint">/, 'both recipient fields marked');
  t.match(recipient, /<input id="d-recipient"[^>]* aria-invalid="true"/);
  t.match(String(disclosuresPage(tr('en'), listData({ error: { code: 'case-long' } }))), /at most 64 characters/);
  t.match(String(disclosuresPage(tr('fi'), listData({ error: { code: 'ids-many' } }))), /enintään 100 tallennetta/);
});

t.test('an entry: its facts, recordings and holds, downloads and completion', async (t) => {
  const page = PAGES['entry']!(tr('en'));
  t.match(page, /<h1>Disclosure KEHA\/123\/2026<\/h1>/);
  t.match(page, /<dt>Recipient<\/dt><dd>Kansaneläkelaitos <span class="muted">\(as in the privacy notice\)<\/span><\/dd>/);
  t.match(page, /<dt>Legal basis<\/dt><dd>Työttömyysturvalaki 13 luku 1 §<\/dd>/, 'a typed basis is not marked');
  t.match(page, /<dt>Disclosed<\/dt><dd>The recordings and the calls&#39; details<\/dd>/);
  t.match(page, /<dt>Decided by<\/dt><dd>2026-11-27 12:05, pia<\/dd>/);
  t.match(page, /<dt>Status<\/dt><dd>Open<\/dd>/);
  t.match(page, /<dt>Particulars of the request<\/dt><dd><span class="prewrap">Kelan pyyntö 27.11.2026<\/span><\/dd>/);
  t.match(page, /<td class="hold held">Held until 2027-09-24 13:05<\/td>/);
  t.match(page, /<td class="hold not-held">Not held: the recorder did not answer in time<\/td>/);
  t.match(page, /<td class="hold not-held">Not held: TAL_SOMETHING_NEW<\/td>/, 'a reason the catalogue does not know, as it came');
  t.match(page, /<td class="hold gone">The recorder no longer has the recording<\/td>/);
  t.match(page, /Destroyed on 2026-11-27/);
  t.match(page, new RegExp(`Recording ${REC(5)} is not in the call index`));
  const downloads = [...page.matchAll(/<a href="(\/console\/registers\/disclosure\/[^"]+\.opus)" download>Download the recording \(([^)]+)\)<\/a>/g)];
  t.same(downloads.map((m) => m[1]), [1, 2, 3].map((n) => `/console/registers/disclosure/${ID}/export/${REC(n)}.opus`), 'a download for each recording still there');
  t.match(page, new RegExp(`<a href="/console/registers/disclosure/${ID}/metadata.json" download>Download the calls&#39; details \\(JSON\\)</a>`));
  t.match(page, /Recordings that could not be held: 2\./, 'the recordings known and not destroyed that are not held');
  t.match(page, new RegExp(`<form method="post" action="/console/registers/disclosure/${ID}/holds" class="stack">`));
  t.match(page, new RegExp(`<form method="post" action="/console/registers/disclosure/${ID}/complete" class="stack">[\\s\\S]*Mark the disclosure complete</button>`));
  t.equal(postForms(page), 4, 'hold again, complete, logout, language');

  const held = PAGES['entry, every hold in place']!(tr('en'));
  t.equal(postForms(held), 3, 'nothing to hold again');

  const meta = PAGES['entry, metadata only']!(tr('en'));
  t.notMatch(meta, /\.opus"/, 'no audio downloads when only metadata is disclosed');
  t.notMatch(meta, /<th scope="col">Download<\/th>/);
  t.match(meta, /metadata\.json/);
  t.notMatch(PAGES['entry, recordings only, no particulars']!(tr('en')), /metadata\.json|Particulars/);

  const done = PAGES['complete']!(tr('en'));
  t.match(done, /<dt>Status<\/dt><dd>Complete<\/dd><dt>Marked complete<\/dt><dd>2026-11-28 12:05, pia<\/dd>/);
  t.notMatch(done, /\.opus"|metadata\.json/, 'nothing to download from a complete disclosure');
  t.match(done, /<td class="hold not-released">The hold could not be released: the recorder refused a field of the request\. It ends at 2027-09-24 13:05 at the latest\.<\/td>/);
  t.match(done, /Holds that could not be released: 2\./);
  t.match(done, /Try to release them again<\/button>/);
  t.notMatch(done, /Mark the disclosure complete/);
  t.equal(postForms(PAGES['complete, all released']!(tr('en'))), 2, 'complete and released: only logout and language');

  t.match(PAGES['entry export-timeout']!(tr('fi')), /<p class="alert" role="alert">Tallennin lpr-1 ei vastannut ajoissa/);
  t.match(PAGES['entry created']!(tr('fi')), /<p class="note-box" role="status">Luovutus on kirjattu\./);
});

const PAYLOADS = XSS_PAYLOADS;

t.test('every free-text value comes out escaped', async (t) => {
  for (const lang of LANGS) {
    for (const p of PAYLOADS) {
      const pages: Record<string, string> = {
        list: String(disclosuresPage(tr(lang), listData({
          presets: { recipients: [p], bases: [p] },
          entries: [{ id: p, caseRef: p, recipient: p, basis: p, status: 'open', decidedBy: p, decidedAt: NOW, recordings: 1 }],
          error: { code: 'ids-bad', id: p },
          form: { recipientPreset: p, recipient: p, basisPreset: p, basis: p, caseRef: p, ids: p, details: p },
        }))),
        entry: String(disclosurePage(tr(lang), entryData({
          details: p,
          recordings: [recording(1, { id: p, site: p, problem: p, hold: 'not-held' }), recording(2, { id: `a${p}` })],
        }, { id: p, caseRef: p, recipient: p, basis: p, decidedBy: p }))),
      };
      for (const [name, page] of Object.entries(pages)) {
        const what = `${name} (${lang}) with ${p}`;
        checkEscaped(t, page, p, what);
      }
    }
  }
  const page = String(disclosurePage(tr('en'), entryData({ recordings: [recording(1, { id: 'x"y' })] }, { id: 'e"1' })));
  t.match(page, 'href="/console/registers/disclosure/e%221/export/x%22y.opus"', 'ids in a path are encoded as well as escaped');
});

t.test("the call page's early deletion: privacy officers only, with a reason and a confirmation", async (t) => {
  for (const lang of LANGS) {
    for (const [name, d] of Object.entries({
      'deletion form': deleteCall(),
      'deletion, offline': deleteCall({ boxOnline: { online: false, lastSeen: NOW - DAY }, copyUntil: NOW + DAY }),
      'deletion, no holds': deleteCall({ holds: [] }),
    })) {
      checkDocument(t, String(callPage(tr(lang), d)), lang, `${name} (${lang})`);
    }
  }
  const page = String(callPage(tr('en'), deleteCall()));
  const form = /<form method="post" action="\/console\/calls\/019ac9d2-0000-7000-8000-000000000002\/delete" class="stack">[\s\S]*?<\/form>/.exec(page)?.[0];
  t.ok(form, 'the form posts to the call\'s delete');
  t.match(form, /<p class="note-box">The recording has holds in force \(1\)\. Deleting it destroys it regardless of the holds\.<\/p>/);
  t.match(form, /<label for="delete-reason">Reason for deletion<\/label><textarea id="delete-reason" name="reason" rows="3" maxlength="500" required aria-describedby="delete-reason-hint"><\/textarea>/);
  t.match(form, /do not write the customer&#39;s name/, 'the reason goes to the recorder\'s log: no personal data');
  t.match(form, /<input id="delete-confirm" name="confirm" type="checkbox" value="yes" required><label for="delete-confirm">I understand that the recording is destroyed for good\.<\/label>/);
  t.match(form, /<button type="submit" class="danger">Delete recording<\/button>/);
  t.notMatch(String(callPage(tr('en'), deleteCall({ holds: [] }))), /holds in force/);

  const offline = String(callPage(tr('en'), deleteCall({ boxOnline: { online: false } })));
  t.match(offline, /<h2 id="delete-heading">Deleting before the retention period ends<\/h2>/);
  t.match(offline, /Recorder box-1 is not connected to the central system now\./);
  t.notMatch(offline, /\/delete"/, 'no form that could only time out');

  for (const [why, d] of [
    ['a supervisor', callData()],
    ['canDelete unset', callData({ user: PIA })],
    ['a destroyed recording', deleteCall({ call: { ...callData().call, deleted: { at: NOW, reason: 'expired' } } })],
  ] as const) {
    const p = String(callPage(tr('en'), d));
    t.notMatch(p, /delete-heading|\/delete"/, `${why}: no deletion`);
  }
});
