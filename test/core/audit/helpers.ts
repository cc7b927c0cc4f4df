// Shared by the audit tests: a real LevelDB, a log on it, and a second handle on the same
// sublevel to tamper with the stored JSON the way someone with the disk could.
import { Level } from 'level';
import { ManualClock } from '../../../src/core/clock.js';
import { AuditLog } from '../../../src/core/audit/audit-log.js';
import { auditKey, entryHash, type AuditEntry, type AuditInput } from '../../../src/core/audit/entry.js';

export type Db = Level<string, unknown>;
export const T0 = Date.UTC(2025, 0, 15, 8, 0, 0);

export async function openLog(dir: string, clock = new ManualClock(T0)): Promise<{ db: Db; log: AuditLog; clock: ManualClock }> {
  // The box's store opens its LevelDB with JSON values by default; the log must not care.
  const db: Db = new Level<string, unknown>(dir, { valueEncoding: 'json' });
  await db.open();
  try {
    return { db, log: await AuditLog.open(db, { clock }), clock };
  } catch (err) {
    await db.close();
    throw err;
  }
}

const actions = ['login', 'search', 'listen', 'export', 'hold', 'release', 'delete', 'config-load'] as const;

/** The i-th entry of a made-up day: varied fields, some optional ones left out. */
export function sample(i: number): AuditInput {
  const action = actions[i % actions.length]!;
  const input: AuditInput = { actor: i % 5 === 0 ? 'system' : `u${1000 + (i % 7)}`, action, result: i % 11 === 0 ? 'refused' : 'ok' };
  if (action !== 'login' && action !== 'config-load') input.target = `01a22317-4fd2-77c9-ac2d-${i.toString(16).padStart(12, '0')}`;
  if (action === 'listen' || action === 'export') {
    input.purpose = 'complaint';
    input.caseRef = `VALITUS-2025-${100 + i}`;
  }
  if (i % 3 === 0) input.detail = { n: i, sites: 'helsinki,tampere', full: i % 2 === 0 };
  return input;
}

export async function fill(log: AuditLog, n: number, clock?: ManualClock): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    clock?.advance(1000);
    out.push(await log.append(sample(i)));
  }
  return out;
}

/** A second handle on the log's sublevel, reading and writing the stored JSON directly. */
export function raw(db: Db, name = 'audit') {
  const sub = db.sublevel<string, Record<string, unknown>>(name, { valueEncoding: 'json' });
  return {
    sub,
    get: (seq: number) => sub.get(auditKey(seq)) as Promise<Record<string, unknown>>,
    put: (key: string, value: Record<string, unknown>) => sub.put(key, value),
    del: (seq: number) => sub.del(auditKey(seq)),
    putText: (key: string, text: string) => db.sublevel<string, string>(name, { valueEncoding: 'utf8' }).put(key, text),
  };
}

/** A forged entry: whatever fields, with its hash recomputed the way the page says. */
export function forge(fields: Record<string, unknown>): Record<string, unknown> {
  const { hash: _drop, ...rest } = fields;
  return { ...rest, hash: entryHash(rest) };
}
