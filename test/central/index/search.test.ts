import t from 'tap';
import { mulberry32 } from '../../../src/core/dsp/generate.js';
import type { RecordingEvent } from '../../../src/core/protocol/messages.js';
import type { CallQuery, CallSummary } from '../../../src/central/index/types.js';
import type { CallIndex } from '../../../src/central/index/call-index.js';
import { callId, DAY, evDeleted, evRecording, deletedOf, openIndex, recording, T0 } from './fixture.js';

const SITES = ['espoo', 'tampere', 'oulu'];
const BOXES: Record<string, string[]> = { espoo: ['b1', 'b2'], tampere: ['b1'], oulu: ['b3'] };
const NUMBERS = ['040 111 2222', '050 333 4444', '+46 8 123 456 78', '112'];

interface Known {
  r: RecordingEvent;
  site: string;
  box: string;
  numbers: string[];
}

/** 240 calls over 10 days; some share a start time so ties cross page boundaries. */
async function build(index: CallIndex): Promise<Known[]> {
  const rnd = mulberry32(3);
  const seqs = new Map<string, number>();
  const known: Known[] = [];
  for (let i = 0; i < 240; i++) {
    const site = SITES[i % SITES.length]!;
    const box = BOXES[site]![Math.floor(rnd() * BOXES[site]!.length)]!;
    const start = T0 + Math.floor(rnd() * 10 * DAY / 60_000) * 60_000;
    const num = NUMBERS[Math.floor(rnd() * NUMBERS.length)]!;
    const other = rnd() < 0.5 ? '4321' : undefined;
    const direction = rnd() < 0.5 ? 'incoming' : 'outgoing';
    const r = recording(callId(i), {
      start: i % 10 === 0 ? T0 + 5 * DAY : start, line: `line-${1 + (i % 4)}`, direction,
      numbers: direction === 'incoming' ? { calling: num, ...(other ? { called: other } : {}) } : { called: num, ...(other ? { calling: other } : {}) },
    });
    const key = `${site}/${box}`;
    const seq = (seqs.get(key) ?? 0) + 1;
    seqs.set(key, seq);
    await index.ingest(site, box, evRecording(seq, r));
    known.push({ r, site, box, numbers: [num, ...(other ? [other] : [])] });
  }
  // A few are deleted: still found by time and place, no longer by number.
  for (const k of known.filter((_, i) => i % 17 === 0)) {
    const key = `${k.site}/${k.box}`;
    const seq = seqs.get(key)! + 1;
    seqs.set(key, seq);
    await index.ingest(k.site, k.box, evDeleted(seq, deletedOf(k.r, T0 + 20 * DAY)));
    k.numbers = [];
  }
  return known;
}

const newestFirst = (a: Known, b: Known) => b.r.start - a.r.start || (a.r.id < b.r.id ? 1 : -1);

/** Every page of a search, following `next`. */
async function allPages(index: CallIndex, q: CallQuery): Promise<{ calls: CallSummary[]; pages: number }> {
  const calls: CallSummary[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await index.search({ ...q, ...(cursor ? { cursor } : {}) });
    calls.push(...page.calls);
    cursor = page.next;
    pages++;
    if (pages > 100) throw new Error('paging does not end');
  } while (cursor);
  return { calls, pages };
}

t.test('every filter, alone and combined, pages through exactly the matching calls, newest first', async (t) => {
  const { index } = await openIndex(t);
  const known = await build(index);
  const same = (numberA: string, numberB: string) => numberA.replace(/\D/g, '').slice(-7) === numberB.replace(/\D/g, '').slice(-7);
  const cases: [string, CallQuery, (k: Known) => boolean][] = [
    ['everything', {}, () => true],
    ['site', { site: 'espoo' }, (k) => k.site === 'espoo'],
    ['site + line', { site: 'espoo', line: 'line-1' }, (k) => k.site === 'espoo' && k.r.line === 'line-1'],
    ['line alone', { line: 'line-2' }, (k) => k.r.line === 'line-2'],
    ['box', { box: 'b1' }, (k) => k.box === 'b1'],
    ['site + box', { site: 'espoo', box: 'b2' }, (k) => k.site === 'espoo' && k.box === 'b2'],
    ['direction', { direction: 'outgoing' }, (k) => k.r.direction === 'outgoing'],
    ['window', { from: T0 + 2 * DAY, to: T0 + 5 * DAY }, (k) => k.r.start >= T0 + 2 * DAY && k.r.start < T0 + 5 * DAY],
    ['window bounds: from inclusive, to exclusive', { from: T0 + 5 * DAY, to: T0 + 5 * DAY + 1 }, (k) => k.r.start === T0 + 5 * DAY],
    ['window + site + direction', { from: T0 + DAY, to: T0 + 8 * DAY, site: 'oulu', direction: 'incoming' },
      (k) => k.r.start >= T0 + DAY && k.r.start < T0 + 8 * DAY && k.site === 'oulu' && k.r.direction === 'incoming'],
    ['number, national spelling', { number: '040-111 2222' }, (k) => k.numbers.some((n) => same(n, '0401112222'))],
    ['number, international', { number: '+358503334444' }, (k) => k.numbers.some((n) => same(n, '0503334444'))],
    ['foreign number', { number: '0046812345678' }, (k) => k.numbers.includes('+46 8 123 456 78')],
    ['extension, on either side', { number: '4321' }, (k) => k.numbers.includes('4321')],
    ['number + window + site', { number: '112', from: T0 + 3 * DAY, site: 'tampere' }, (k) => k.numbers.includes('112') && k.r.start >= T0 + 3 * DAY && k.site === 'tampere'],
    ['sites', { sites: ['espoo', 'oulu'] }, (k) => k.site !== 'tampere'],
    ['sites + window', { sites: ['tampere', 'oulu'], from: T0 + 4 * DAY, to: T0 + 6 * DAY }, (k) => k.site !== 'espoo' && k.r.start >= T0 + 4 * DAY && k.r.start < T0 + 6 * DAY],
    ['sites + number', { sites: ['oulu'], number: '050 3334444' }, (k) => k.site === 'oulu' && k.numbers.some((n) => same(n, '0503334444'))],
    ['sites + site inside them', { sites: ['oulu', 'espoo'], site: 'espoo', line: 'line-3' }, (k) => k.site === 'espoo' && k.r.line === 'line-3'],
  ];
  for (const [name, q, match] of cases) {
    const expected = known.filter(match).sort(newestFirst).map((k) => k.r.id);
    t.ok(expected.length > 0 || name.includes('bounds'), `${name}: the data has matches`);
    for (const limit of [7, 500]) {
      const { calls, pages } = await allPages(index, { ...q, limit });
      t.same(calls.map((c) => c.id), expected, `${name}, ${limit} a page`);
      t.equal(pages, Math.max(1, Math.ceil(expected.length / limit)), `${name}: no empty last page`);
    }
  }
  const first = await index.search({ limit: 10 });
  t.equal(first.calls.length, 10);
  t.ok(first.calls.every((c) => !('sealed' in c) && !('seq' in c)), 'summaries carry no sealed parts');
  t.ok(first.calls.some((c) => c.deleted) || (await allPages(index, {})).calls.some((c) => c.deleted), 'deleted calls are listed');
  t.equal((await index.search({})).calls.length, 50, 'default limit');
  t.equal((await index.search({ limit: 10_000 })).calls.length, 240, 'the limit is capped at 500; here all 240');
});

t.test('a supervisor sees only their own sites', async (t) => {
  const { index } = await openIndex(t);
  await build(index);
  t.same((await index.search({ sites: ['espoo'], site: 'oulu' })).calls, [], 'a site outside their own finds nothing');
  t.same((await index.search({ sites: [] })).calls, [], 'no sites, no calls');
  t.same((await index.search({ sites: ['nowhere', 'a!b'] })).calls, []);
  const mine = await allPages(index, { sites: ['tampere'], number: '112' });
  t.ok(mine.calls.every((c) => c.site === 'tampere'));
  const everyNumber = await allPages(index, { sites: ['tampere'], limit: 500 });
  t.ok(everyNumber.calls.length > 0 && everyNumber.calls.every((c) => c.site === 'tampere'));
});

t.test('a bad query is a TypeError naming its field, never echoing a number', async (t) => {
  const { index } = await openIndex(t);
  await build(index);
  for (const number of ['', 'abc', '040 12x 4567', '++358401234567', '040']) {
    await t.rejects(index.search({ number }), { name: 'TypeError', message: /^number:/ }, JSON.stringify(number));
  }
  try {
    await index.search({ number: '0401234x67' });
  } catch (err) {
    t.notMatch((err as Error).message, /1234/, 'the message does not repeat the number');
  }
  await t.rejects(index.search({ limit: 0 }), { name: 'TypeError', message: /^limit:/ });
  await t.rejects(index.search({ limit: 2.5 }), { name: 'TypeError', message: /^limit:/ });
  await t.rejects(index.search({ cursor: 'bm90IGEgY3Vyc29y' }), { name: 'TypeError', message: /^cursor:/ });
  await t.rejects(index.search({ cursor: '!!!' }), { name: 'TypeError', message: /^cursor:/ });
  await t.rejects(index.search({ from: Number.NaN }), { name: 'TypeError', message: /^from:/ });
  await t.rejects(index.search({ site: 'es!poo' }), { name: 'TypeError', message: /^site:/ });
  await t.rejects(index.search({ direction: 'up' as 'incoming' }), { name: 'TypeError', message: /^direction:/ });
  await t.rejects(index.search({ sites: 'espoo' as unknown as string[] }), { name: 'TypeError', message: /^sites:/ });
  t.same((await index.search({ from: T0 + DAY, to: T0 })).calls, [], 'an empty window');
  t.equal(await index.get('no-such-call'), undefined);
  t.equal(await index.get('a!b'), undefined);
});

t.test('a cursor from one page keeps working after new calls arrive above it', async (t) => {
  const { index } = await openIndex(t);
  for (let i = 0; i < 20; i++) await index.ingest('s1', 'b1', evRecording(i + 1, recording(callId(i), { start: T0 + i * 1000 })));
  const first = await index.search({ limit: 5 });
  t.same(first.calls.map((c) => c.start), [19, 18, 17, 16, 15].map((i) => T0 + i * 1000));
  await index.ingest('s1', 'b1', evRecording(21, recording(callId(99), { start: T0 + 99_000 })));
  const second = await index.search({ limit: 5, cursor: first.next! });
  t.same(second.calls.map((c) => c.start), [14, 13, 12, 11, 10].map((i) => T0 + i * 1000), 'no call repeated or skipped');
});
