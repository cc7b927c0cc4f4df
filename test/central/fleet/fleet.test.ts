import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { Fleet } from '../../../src/central/fleet/fleet.js';
import type { StatusPayload } from '../../../src/core/protocol/messages.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

async function openDb(t: { teardown(fn: () => unknown): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-fleet-'));
  const state = { db: new Level<string, unknown>(dir, { valueEncoding: 'json' }) };
  await state.db.open();
  t.teardown(async () => {
    await state.db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    state,
    async reopen() {
      await state.db.close();
      state.db = new Level<string, unknown>(dir, { valueEncoding: 'json' });
      await state.db.open();
      return state.db;
    },
  };
}

function status(ts: number, backlog: number): StatusPayload {
  return {
    ts, boot: 3, version: '0.1.0', uptimeS: 100, lines: [{ id: 'line-1', state: 'idle' }], capture: { state: 'running', overruns: 0, gapsMs: 0 },
    disk: { freeBytes: 1e9, totalBytes: 2e9, usedPercent: 50, level: 'ok' }, cpu: { load1: 0.2 }, memory: { rssBytes: 5e7, freeBytes: 1e9, totalBytes: 2e9 },
    clock: { synced: true }, outbox: { backlog, lastAckedSeq: 10 }, alarms: [],
  };
}

t.test('boxes appear by their first message, sorted; state, status and watermark as last reported', async (t) => {
  const { state } = await openDb(t);
  const fleet = await Fleet.open(state.db, { lostAfterMs: 5 * MIN });
  t.same(fleet.list(T0), []);
  await fleet.onState('tampere', 'b1', { state: 'ready', ts: T0, boot: 3 }, T0);
  await fleet.onStatus('espoo', 'b2', status(T0, 4), T0);
  await fleet.seen('espoo', 'b1', T0 + MIN);
  await fleet.setWatermark('tampere', 'b1', 42);
  await fleet.setWatermark('tampere', 'b1', 40);
  const list = fleet.list(T0 + MIN);
  t.same(list.map((v) => `${v.site}/${v.box}`), ['espoo/b1', 'espoo/b2', 'tampere/b1']);
  t.same(list[2], { site: 'tampere', box: 'b1', state: 'ready', lastSeen: T0, watermark: 42 }, 'a watermark never moves back');
  t.equal(list[1]!.status?.outbox.backlog, 4);
  t.equal(list[1]!.state, 'init', 'no $state yet');
  list[2]!.state = 'alert';
  t.equal(fleet.list(T0).find((v) => v.box === 'b1' && v.site === 'tampere')!.state, 'ready', 'list returns copies');
});

t.test('silence longer than lostAfterMs shows a box lost; any message brings it back; its will says lost', async (t) => {
  const { state } = await openDb(t);
  const fleet = await Fleet.open(state.db, { lostAfterMs: 5 * MIN });
  await fleet.onState('s1', 'b1', { state: 'ready', ts: T0, boot: 1 }, T0);
  t.equal(fleet.list(T0 + 5 * MIN)[0]!.state, 'ready', 'exactly at the limit: not yet');
  t.equal(fleet.list(T0 + 5 * MIN + 1)[0]!.state, 'lost');
  await fleet.seen('s1', 'b1', T0 + 6 * MIN);
  t.equal(fleet.list(T0 + 6 * MIN)[0]!.state, 'ready');
  await fleet.seen('s1', 'b1', T0 + 2 * MIN);
  t.equal(fleet.list(T0 + 6 * MIN)[0]!.lastSeen, T0 + 6 * MIN, 'lastSeen never moves back');
  await fleet.onState('s1', 'b1', { state: 'lost', ts: T0, boot: 1 }, T0 + 7 * MIN);
  t.equal(fleet.list(T0 + 7 * MIN)[0]!.state, 'lost', 'the last will');
  await fleet.onState('s1', 'b1', { state: 'alert', ts: T0 + 8 * MIN, boot: 2 }, T0 + 8 * MIN);
  t.equal(fleet.list(T0 + 8 * MIN)[0]!.state, 'alert');
});

t.test('a box known only by its watermark has not been seen: it shows lost until it speaks', async (t) => {
  const { state } = await openDb(t);
  const fleet = await Fleet.open(state.db, { lostAfterMs: MIN });
  await fleet.setWatermark('s1', 'b1', 7);
  t.same(fleet.list(T0), [{ site: 's1', box: 'b1', state: 'lost', lastSeen: 0, watermark: 7 }]);
});

t.test('the fleet survives a restart of the indexer; concurrent updates of one box all land', async (t) => {
  const { state, reopen } = await openDb(t);
  let fleet = await Fleet.open(state.db, { lostAfterMs: 5 * MIN });
  await Promise.all([
    fleet.onState('s1', 'b1', { state: 'ready', ts: T0, boot: 1 }, T0),
    fleet.onStatus('s1', 'b1', status(T0, 2), T0),
    fleet.setWatermark('s1', 'b1', 9),
    fleet.seen('s1', 'b1', T0 + 1000),
  ]);
  const before = fleet.list(T0 + 1000);
  fleet = await Fleet.open(await reopen(), { lostAfterMs: 5 * MIN });
  t.same(fleet.list(T0 + 1000), before);
  t.equal(before[0]!.state, 'ready');
  t.equal(before[0]!.watermark, 9);
  t.equal(before[0]!.status?.outbox.backlog, 2);
  t.equal(before[0]!.lastSeen, T0 + 1000);
});

t.test('lostAfterMs must be positive', async (t) => {
  const { state } = await openDb(t);
  await t.rejects(Fleet.open(state.db, { lostAfterMs: 0 }), { name: 'TypeError', message: /lostAfterMs/ });
});
