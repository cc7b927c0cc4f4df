// Data for the console's views and the checks every rendered page must pass. The calls are
// IndexedCall-shaped on purpose (sealed parts, a number where none belongs) to show the views
// take what the index gives and show only what they should.
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalogues, translator, type Catalogues, type Translator } from '../../../src/central/console/i18n/catalogue.js';
import type { CallPageData, CallRow, CallView, LiveCall, SearchPageData, Viewer } from '../../../src/central/console/pages/types.js';

export const SRC_I18N = fileURLToPath(new URL('../../../src/central/console/i18n/', import.meta.url));
export const CATALOGUES: Catalogues = loadCatalogues(SRC_I18N);
export const LANGS = ['fi', 'en'] as const;
export const tr = (lang: string): Translator => translator(CATALOGUES, lang);

/**
 * What every console page must be, whatever it shows: a whole document in its language with its
 * landmarks and one h1, every field labelled, ids unique and every aria reference found, every
 * POST form carrying the CSRF token, no leaked placeholder and nothing inline for the CSP to refuse.
 */
export function checkDocument(t: { match: Function; notMatch: Function; equal: Function; same: Function }, page: string, lang: string, what: string): void {
  t.match(page, new RegExp(`^<!doctype html>\\n<html lang="${lang}">`), `${what}: a document in its language`);
  t.match(page, /<title>[^<]+<\/title>/, `${what}: a title`);
  t.match(page, /<a class="skip" href="#main">[^<]+<\/a>/, `${what}: a skip link`);
  t.match(page, /<header class="top" role="banner">/, `${what}: a banner`);
  t.match(page, /<main id="main" role="main"/, `${what}: the main landmark`);
  t.match(page, /<footer role="contentinfo"/, `${what}: the footer`);
  t.equal((page.match(/<h1>/g) ?? []).length, 1, `${what}: one h1`);
  t.same(unlabelled(page), [], `${what}: every field has a label`);
  t.same(duplicateIds(page), [], `${what}: ids are unique`);
  for (const [, ids] of page.matchAll(/aria-(?:labelledby|describedby)="([^"]+)"/g)) {
    for (const ref of ids!.split(' ')) t.match(page, new RegExp(`\\sid="${ref}"`), `${what}: aria reference ${ref} exists`);
  }
  t.same(postFormsWithoutCsrf(page, CSRF), [], `${what}: every POST form carries the CSRF token`);
  t.notMatch(page, /undefined|NaN|\[object /, `${what}: no leaked placeholders`);
  t.notMatch(page, /<script|\sstyle=|\son[a-z]+=/i, `${what}: nothing inline for the CSP to refuse, and no markup typed by staff`);
}

/** Script in the three places it hides: an element, an attribute broken out of with ", and one broken out of with '. */
export const XSS_PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' onmouseover='alert(1)"] as const;

/** A payload shown in a page came out as text: never raw, no element of its own, no attribute of its own. */
export function checkEscaped(t: { ok: Function; notOk: Function; notMatch: Function }, page: string, payload: string, what: string): void {
  t.notOk(page.includes(payload), `${what}: the payload never appears raw`);
  t.notMatch(page, /<script|<img/i, `${what}: no tag from the payload`);
  // A quote that broke out of an attribute would leave a handler as an attribute of its own:
  // with every value (double-quoted) taken out, only attribute names are left in the tags.
  const names = page.replace(/="[^"]*"/g, '=""');
  t.notMatch(names, /<[^>]*\son(error|mouseover)=/i, `${what}: no handler attribute`);
  t.notMatch(names, /<[^>]*'/, `${what}: no stray quote inside a tag`);
}

/** The keys of one file of the master (`fi/<part>.json`): what that part's pages must use, every one. */
export const keysOfPart = (part: string): string[] => Object.keys(JSON.parse(readFileSync(join(SRC_I18N, 'fi', `${part}.json`), 'utf8')) as object);

/** A translator that notes every key asked for (through t or has). */
export function trackingTranslator(lang: string): { t: Translator; used: Set<string> } {
  const inner = tr(lang);
  const used = new Set<string>();
  const t = (key: string, params?: Record<string, string | number>) => (used.add(key), inner(key, params));
  const has = (key: string) => (used.add(key), inner.has(key));
  return { t: Object.assign(t, { lang: inner.lang, languages: inner.languages, has, fmt: inner.fmt }), used };
}

export const NOW = Date.UTC(2026, 10, 28, 10, 5); // 12.05 in Helsinki
export const DAY = 86_400_000;
export const CSRF = 'csrf-token-abc';

export const SUPERVISOR: Viewer = { name: 'Maija Esihenkilö', role: 'supervisor' };

/** Numbers in the spellings a leak would take: none may appear in a page that lists calls. */
export const NUMBER = '+358401234567';
export const NUMBER_TRACES = ['358401234567', '0401234567', '040 123 4567', '040-123 4567', '401234567'];

/** A copy of the real catalogue folder to spoil; removed when the test ends. */
export function catalogueCopy(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-i18n-'));
  cpSync(SRC_I18N, dir, { recursive: true, filter: (src) => statSync(src).isDirectory() || src.endsWith('.json') });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function indexedCall(id: string, extra: Partial<CallView> = {}): CallView {
  const start = NOW - 2 * DAY;
  const call = {
    id, site: 'lappeenranta', box: 'box-1', line: 'line-2', start, end: start + 252_000, durationMs: 252_000,
    direction: 'incoming', clip: 'ok', state: 'closed', endReason: 'on-hook',
    notice: { status: 'heard', score: 0.82, threshold: 0.6, offsetMs: 240 },
    retentionMonths: 2, expiresAt: start + 61 * DAY, holds: [], seq: 7,
    // What a careless route might pass along: the views must never show it.
    sealed: { wrappedKey: 'd3JhcHBlZA==', keyId: 'k1', sealedMeta: 'c2VhbGVk', metaVersion: 1, chunks: 3 },
    number: NUMBER, caller: '040 123 4567', called: '0401234567',
    ...extra,
  };
  return call as CallView;
}

export function rows(): CallRow[] {
  return [
    indexedCall('019ac9d2-0000-7000-8000-000000000001'),
    indexedCall('019ac9d2-0000-7000-8000-000000000002', { direction: 'outgoing', notice: { status: 'not-applicable', reason: 'outgoing' }, holds: [{ reason: 'complaint', caseRef: 'VN/123/2026', by: 'maija', until: NOW + 200 * DAY, at: NOW - DAY }], expiresAt: NOW + 200 * DAY }),
    indexedCall('019ac9d2-0000-7000-8000-000000000003', { notice: { status: 'not-heard', score: 0.31, threshold: 0.6, offsetMs: 0 }, state: 'truncated' }),
    indexedCall('019ac9d2-0000-7000-8000-000000000004', { deleted: { at: NOW - DAY, reason: 'expired' } }),
    indexedCall('019ac9d2-0000-7000-8000-000000000005', { notice: undefined, durationMs: 3_725_000 }),
  ];
}

export function live(): LiveCall[] {
  const c = { site: 'lappeenranta', box: 'box-1', line: 'line-1', since: NOW - 90_000, number: NUMBER, caller: '0401234567' };
  return [c as LiveCall];
}

export function searchData(extra: Partial<SearchPageData> = {}): SearchPageData {
  return {
    user: SUPERVISOR, csrf: CSRF, sites: ['lappeenranta', 'kotka'],
    query: { from: '2026-11-01T08:00', to: '2026-11-28T16:00', site: 'lappeenranta', direction: 'incoming', notice: 'not-heard', held: 'no', minSeconds: '10', maxSeconds: '600', line: 'line-2' },
    results: rows(), next: 'eyJzIjoxfQ', live: live(), liveAt: NOW,
    ...extra,
  };
}

export function callData(extra: Partial<CallPageData> = {}): CallPageData {
  const call = indexedCall('019ac9d2-0000-7000-8000-000000000002', {
    stopped: { at: NOW - 2 * DAY + 100_000, by: 'dtmf' }, endReason: 'stopped',
    holds: [{ reason: 'complaint', caseRef: 'VN/123/2026', by: 'maija', until: NOW + 200 * DAY, at: NOW - DAY }],
  });
  return {
    user: SUPERVISOR, csrf: CSRF, call, holds: call.holds, expiry: NOW + 200 * DAY, maxHoldUntil: call.start + 365 * DAY,
    canListen: true, canHold: true, boxOnline: { online: true, lastSeen: NOW - 5_000 },
    ...extra,
  };
}

// ---- checks every page must pass ----

/** Form controls a person fills in (not hidden fields, not buttons) that lack a <label for=id>. */
export function unlabelled(page: string): string[] {
  const labelled = new Set([...page.matchAll(/<label\b[^>]*\bfor="([^"]+)"/g)].map((m) => m[1]));
  return [...page.matchAll(/<(input|select|textarea)\b([^>]*)>/g)]
    .filter((m) => !/\btype="(hidden|submit|button|reset)"/.test(m[2]!))
    .filter((m) => {
      const id = /\bid="([^"]+)"/.exec(m[2]!)?.[1];
      return id === undefined || !labelled.has(id);
    })
    .map((m) => m[0]);
}

export function duplicateIds(page: string): string[] {
  const ids = [...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
  return ids.filter((id, i) => ids.indexOf(id) !== i);
}

/** POST forms without the CSRF field carrying the session's token. */
export function postFormsWithoutCsrf(page: string, csrf: string): string[] {
  return [...page.matchAll(/<form\b[^>]*method="post"[\s\S]*?<\/form>/gi)]
    .map((m) => m[0])
    .filter((f) => !f.includes(`<input type="hidden" name="_csrf" value="${csrf}">`));
}

export function postForms(page: string): number {
  return [...page.matchAll(/<form\b[^>]*method="post"/gi)].length;
}
