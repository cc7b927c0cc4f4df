// The training-project register on a real LevelDB: projects made, members and recordings added
// and removed, changes to one project at once all kept, and a destroyed recording forgotten by
// every project that had it, even one that gained it while the forgetting ran.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { ManualClock } from '../../../src/core/clock.js';
import { ProjectStore } from '../../../src/central/projects/store.js';
import { projectTextProblem } from '../../../src/central/projects/types.js';

const T0 = Date.UTC(2026, 10, 28, 10, 0);

async function open(t: { teardown(fn: () => unknown): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-projects-'));
  const clock = new ManualClock(T0);
  let db = new Level<string, string>(dir);
  await db.open();
  const state = {
    clock,
    store: new ProjectStore(db, clock),
    async reopen() {
      await db.close();
      db = new Level<string, string>(dir);
      await db.open();
      state.store = new ProjectStore(db, clock);
      return state.store;
    },
  };
  t.teardown(async () => {
    await db.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });
  return state;
}

const rec = (id: string, site = 'lappeenranta') => ({ id, site, box: `${site}-1`, addedBy: 'maija' });

t.test('create: a project with a new id, trimmed text, no recordings; listed newest first; kept across a restart', async (t) => {
  const s = await open(t);
  const a = await s.store.create({ name: '  Asiakaspalvelun perehdytys ', caseRef: ' KOUL-2026-1 ', createdBy: 'maija', members: ['pekka', 'pekka'] });
  t.match(a, { name: 'Asiakaspalvelun perehdytys', caseRef: 'KOUL-2026-1', createdBy: 'maija', createdAt: T0, members: ['pekka'], recordings: [] });
  t.match(a.id, /^[0-9a-f-]{36}$/);
  s.clock.advance(1000);
  const b = await s.store.create({ id: 'fixed-id', name: 'Toinen', caseRef: 'KOUL-2026-2', createdBy: 'liisa' });
  t.equal(b.id, 'fixed-id', 'an id made beforehand (the console audits it first)');
  t.same((await s.store.list()).map((p) => p.id), ['fixed-id', a.id], 'newest first');
  t.same(await s.store.get(a.id), a);
  t.equal(await s.store.get('no-such'), undefined, 'a missing project is undefined');
  const again = await s.reopen();
  t.same(await again.get(a.id), a, 'on disk');

  await t.rejects(again.create({ id: 'fixed-id', name: 'x', caseRef: 'y', createdBy: 'z' }), TypeError, 'an id in use');
  await t.rejects(again.create({ name: '   ', caseRef: 'y', createdBy: 'z' }), TypeError, 'an empty name');
  await t.rejects(again.create({ name: 'x'.repeat(121), caseRef: 'y', createdBy: 'z' }), TypeError, 'a long name');
  await t.rejects(again.create({ name: 'x', caseRef: 'y'.repeat(65), createdBy: 'z' }), TypeError, 'a long case reference');
  await t.rejects(again.create({ name: 'a\u0000b', caseRef: 'y', createdBy: 'z' }), TypeError, 'a control character');
  t.equal((await again.list()).length, 2, 'nothing refused was stored');
});

t.test('text checks: trimmed, bounded, plain', async (t) => {
  t.equal(projectTextProblem('  ', 10), 'empty');
  t.equal(projectTextProblem('x'.repeat(11), 10), 'long');
  t.equal(projectTextProblem(` ${'x'.repeat(10)} `, 10), undefined, 'counted after trimming');
  t.equal(projectTextProblem('a\nb', 10), 'text');
  t.equal(projectTextProblem('a\u2028b', 10), 'text');
  t.equal(projectTextProblem('a\ud800b', 10), 'text', 'a lone surrogate');
  t.equal(projectTextProblem('<script>alert(1)</script>"\'', 64), undefined, 'markup is text: the pages escape it');
  t.equal(projectTextProblem('Ääkköset ja 😀', 64), undefined);
});

t.test('members and recordings: added once, removed, ofMember and containing', async (t) => {
  const s = await open(t);
  const a = await s.store.create({ name: 'A', caseRef: 'KOUL-1', createdBy: 'maija' });
  const b = await s.store.create({ name: 'B', caseRef: 'KOUL-2', createdBy: 'maija' });
  await s.store.addMember(a.id, 'pekka');
  t.same((await s.store.addMember(a.id, 'pekka'))!.members, ['pekka'], 'a member once');
  await s.store.addMember(b.id, 'pekka');
  await s.store.addMember(b.id, 'sanna');
  t.same((await s.store.ofMember('pekka')).map((p) => p.id).sort(), [a.id, b.id].sort());
  t.same((await s.store.ofMember('sanna')).map((p) => p.id), [b.id]);
  t.same(await s.store.ofMember('nobody'), []);
  t.same((await s.store.removeMember(b.id, 'pekka'))!.members, ['sanna']);
  t.same((await s.store.ofMember('pekka')).map((p) => p.id), [a.id]);

  s.clock.advance(5000);
  const withRec = await s.store.addRecording(a.id, rec('rec-1'));
  t.same(withRec!.recordings, [{ ...rec('rec-1'), addedAt: T0 + 5000 }], 'with who added it and when');
  s.clock.advance(5000);
  t.same((await s.store.addRecording(a.id, { ...rec('rec-1'), addedBy: 'liisa' }))!.recordings, withRec!.recordings, 'a recording once, as first added');
  await s.store.addRecording(b.id, rec('rec-1'));
  await s.store.addRecording(b.id, rec('rec-2', 'kotka'));
  t.same((await s.store.containing('rec-1')).map((p) => p.id).sort(), [a.id, b.id].sort());
  t.same((await s.store.containing('rec-2')).map((p) => p.id), [b.id]);
  t.same(await s.store.containing('rec-9'), []);
  t.same((await s.store.removeRecording(b.id, 'rec-1'))!.recordings.map((r) => r.id), ['rec-2']);
  t.same((await s.store.containing('rec-1')).map((p) => p.id), [a.id]);

  t.equal(await s.store.addMember('no-such', 'pekka'), undefined, 'a change to a missing project: undefined');
  t.equal(await s.store.removeRecording('no-such', 'rec-1'), undefined);
  t.equal((await s.store.list()).length, 2, 'and nothing made');
});

t.test('changes to one project at once are all kept', async (t) => {
  const s = await open(t);
  const a = await s.store.create({ name: 'A', caseRef: 'KOUL-1', createdBy: 'maija' });
  const members = Array.from({ length: 20 }, (_, i) => `trainer-${i}`);
  const recs = Array.from({ length: 20 }, (_, i) => rec(`rec-${i}`));
  await Promise.all([...members.map((m) => s.store.addMember(a.id, m)), ...recs.map((r) => s.store.addRecording(a.id, r))]);
  const p = (await s.store.get(a.id))!;
  t.same([...p.members].sort(), [...members].sort(), 'every member');
  t.same(p.recordings.map((r) => r.id).sort(), recs.map((r) => r.id).sort(), 'every recording');
  await Promise.all([s.store.removeMember(a.id, 'trainer-3'), s.store.addMember(a.id, 'late'), s.store.removeRecording(a.id, 'rec-7'), s.store.addRecording(a.id, rec('rec-late'))]);
  const q = (await s.store.get(a.id))!;
  t.notOk(q.members.includes('trainer-3'));
  t.ok(q.members.includes('late'));
  t.notOk(q.recordings.some((r) => r.id === 'rec-7'));
  t.ok(q.recordings.some((r) => r.id === 'rec-late'));
  t.equal(q.members.length, 20);
  t.equal(q.recordings.length, 20);
});

t.test('forget: a destroyed recording leaves every project, and only it', async (t) => {
  const s = await open(t);
  const a = await s.store.create({ name: 'A', caseRef: 'KOUL-1', createdBy: 'maija' });
  const b = await s.store.create({ name: 'B', caseRef: 'KOUL-2', createdBy: 'maija' });
  const c = await s.store.create({ name: 'C', caseRef: 'KOUL-3', createdBy: 'maija' });
  await s.store.addRecording(a.id, rec('gone'));
  await s.store.addRecording(a.id, rec('kept'));
  await s.store.addRecording(b.id, rec('gone'));
  await s.store.addRecording(c.id, rec('kept'));
  await s.store.addMember(a.id, 'pekka');
  t.same((await s.store.forget('gone')).sort(), [a.id, b.id].sort(), 'the projects it left');
  t.same(await s.store.containing('gone'), []);
  t.same((await s.store.get(a.id))!.recordings.map((r) => r.id), ['kept'], 'the other recordings stay');
  t.same((await s.store.get(a.id))!.members, ['pekka'], 'and the members');
  t.same((await s.store.get(b.id))!.recordings, []);
  t.same((await s.store.containing('kept')).map((p) => p.id).sort(), [a.id, c.id].sort());
  t.same(await s.store.forget('never-added'), [], 'a recording in no project: nothing changes');
  t.same(await s.store.forget('gone'), [], 'forgetting twice is harmless');
});

t.test('forget runs in the queue: a recording added just before is forgotten, one added just after is kept', async (t) => {
  const s = await open(t);
  const a = await s.store.create({ name: 'A', caseRef: 'KOUL-1', createdBy: 'maija' });
  const b = await s.store.create({ name: 'B', caseRef: 'KOUL-2', createdBy: 'maija' });
  await s.store.addRecording(a.id, rec('r'));
  // Not awaited in between: the add to B is queued before forget reads the projects.
  const [, left] = await Promise.all([s.store.addRecording(b.id, rec('r')), s.store.forget('r'), s.store.addMember(b.id, 'pekka')]);
  t.same(left.sort(), [a.id, b.id].sort(), 'both projects, B included');
  t.same(await s.store.containing('r'), []);
  t.same((await s.store.get(b.id))!.members, ['pekka'], 'a change queued behind it is not lost');
  await Promise.all([s.store.forget('r'), s.store.addRecording(a.id, rec('r'))]);
  t.same((await s.store.containing('r')).map((p) => p.id), [a.id], 'added after the forgetting: kept (the index says whether it still exists)');
});
