// hold, release, delete and audit verify through the CLI, on a store a real recorder filled.
import t from 'tap';
import { RecordingStore } from '../../src/box/store/recording-store.js';
import { maxExpiryOf } from '../../src/core/retention/index.js';
import { cli, listRecordings, recordedBox } from '../helpers/box-fixture.js';
import { collect } from '../helpers/log.js';

const dir = t.testdir({});
const { box } = await recordedBox(dir, 4000);
const [rec] = listRecordings(box);
const id = rec!.id;
const run = (...args: string[]) => cli(box, [...args, '--config', box.config]);

t.test('a hold with reason, case and who; a request past 12 months is clamped and the answer says so', async (t) => {
  const r = run('hold', '--id', id, '--reason', 'complaint', '--case', 'VAL-2026-17', '--by', 'supervisor-3', '--months', '18');
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /the date asked was past the legal limit, call start \+ 12 months/);
  const store = await RecordingStore.open(box.store);
  const stored = (await store.getRecording(id))!;
  await store.close();
  t.equal(stored.expiresAt, maxExpiryOf(stored.start));
  t.match(stored.holds, [{ reason: 'complaint', caseRef: 'VAL-2026-17', by: 'supervisor-3' }]);
});

t.test('bad holds are refused naming what is wrong', async (t) => {
  const r1 = run('hold', '--id', id, '--reason', 'curiosity', '--case', 'X', '--by', 'u', '--until', '2027-01-31');
  t.equal(r1.status, 1);
  t.match(r1.stderr, /reason must be one of complaint, quality-project, access-request, disclosure.*TAL_HOLD_INVALID/);
  const r2 = run('hold', '--id', id, '--reason', 'complaint', '--case', 'X', '--by', 'u', '--until', 'next week');
  t.equal(r2.status, 2);
  t.match(r2.stderr, /--until must be a date/);
});

t.test('release, then early deletion by the privacy officer; audit verify passes and then catches an edit', async (t) => {
  t.equal(run('release', '--id', id, '--by', 'supervisor-3', '--case', 'VAL-2026-17').status, 0);
  const d = run('delete', '--id', id, '--by', 'dpo-1', '--reason', 'request of the data subject');
  t.equal(d.status, 0, d.stderr);
  t.match(d.stdout, /destroyed .* its tombstone remains/);
  t.equal(listRecordings(box).length, 0);
  const again = run('hold', '--id', id, '--reason', 'complaint', '--case', 'X', '--by', 'u', '--months', '3');
  t.match(again.stderr, /TAL_RECORDING_DESTROYED/);

  const ok = run('audit', 'verify');
  t.equal(ok.status, 0, ok.stderr);
  // The head a box publishes (and the audit viewer shows): the log must still reach it.
  const [, seq, hash] = /head (\d+) ([0-9a-f]{64})/.exec(ok.stdout)!;
  const reaches = run('audit', 'verify', '--head', `${seq}:${hash}`);
  t.equal(reaches.status, 0, reaches.stderr);
  t.match(reaches.stdout, /reaches the published head/);
  const cut = run('audit', 'verify', '--head', `${Number(seq) + 5}:${hash}`);
  t.equal(cut.status, 1, 'a head the log no longer reaches: entries were cut off');
  t.match(cut.stderr, /TAL_AUDIT_BROKEN/);
  const other = run('audit', 'verify', '--head', `${seq}:${'0'.repeat(64)}`);
  t.equal(other.status, 1, 'another hash at that seq: rewritten');
  const bad = run('audit', 'verify', '--head', 'latest');
  t.equal(bad.status, 2);
  t.match(bad.stderr, /--head must be SEQ:HASH/);
  const store = await RecordingStore.open(box.store);
  const audit = store.level.sublevel<string, string>('audit', { valueEncoding: 'utf8' });
  const entries = await collect(audit.iterator());
  const actions = entries.map(([, v]) => (JSON.parse(v) as { action: string }).action);
  for (const a of ['service-start', 'key-change', 'config-load', 'hold', 'release', 'destroy', 'delete']) t.ok(actions.includes(a), `${a} is in the audit log`);
  const refused = entries.map(([, v]) => JSON.parse(v) as { action: string; result: string; detail?: { code?: string } }).filter((e) => e.result === 'refused');
  t.ok(refused.some((e) => e.action === 'hold' && e.detail?.code === 'TAL_HOLD_INVALID'), 'a refused hold is audited with its reason');
  const [key, value] = entries.find(([, v]) => v.includes('"action":"hold"'))!;
  await audit.put(key, value.replace('VAL-2026-17', 'VAL-2026-18'));
  await store.close();
  const broken = run('audit', 'verify');
  t.equal(broken.status, 1);
  t.match(broken.stderr, new RegExp(`audit chain broken at entry ${(JSON.parse(value) as { seq: number }).seq}: edited.*TAL_AUDIT_BROKEN`));
});
