// R3: the search page shows where and when, never who. A row cut from a call that carried a
// number (as an object a careless route might pass) still shows none, nor do live calls.
import t from 'tap';
import { callPage, searchPage } from '../../../src/central/console/pages/index.js';
import type { CallRow } from '../../../src/central/console/pages/types.js';
import { callData, LANGS, NUMBER, NUMBER_TRACES, rows, searchData, tr } from './fixture.js';

const traces = [NUMBER, ...NUMBER_TRACES];

t.test('no phone number reaches the search page, even when the rows carry one', async (t) => {
  const carrying = rows().map((r) => ({ ...r, number: NUMBER, callingNumber: '040 123 4567', calledNumber: '0401234567', meta: { caller: NUMBER } }) as CallRow);
  t.equal((carrying[0] as unknown as { number: string }).number, NUMBER, 'the rows do carry one');
  for (const lang of LANGS) {
    const page = String(searchPage(tr(lang), searchData({ results: carrying })));
    for (const n of traces) t.notOk(page.includes(n), `${lang}: no "${n}"`);
    t.notOk(page.replace(/\s+/g, '').includes('0401234567'), `${lang}: not even with its spaces taken out`);
    t.equal((page.match(/<tr>/g) ?? []).length, carrying.length + 1, `${lang}: every row is shown`);
  }
});

t.test('the call page shows no number either', async (t) => {
  for (const lang of LANGS) {
    const page = String(callPage(tr(lang), callData()));
    for (const n of traces) t.notOk(page.includes(n), `${lang}: no "${n}"`);
  }
});

t.test('CallRow has no field for a number', async (t) => {
  // A compile-time fact, checked where tsc sees it: each of these lines would fail to compile
  // without the ts-expect-error above it.
  const row = rows()[0]!;
  // @ts-expect-error CallRow has no number
  t.equal(row.number, NUMBER, 'the fixture object has one; the type does not');
  // @ts-expect-error nor sealed metadata
  t.ok(row.sealed);
});
