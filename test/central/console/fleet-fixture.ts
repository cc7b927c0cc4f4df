// The fleet page's data and a console reached through the real indexer: boxes as the fleet holds
// them (a status shaped as a box sends it, with fields a careless view might show), and logins with
// the authenticator's code through inject.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { AccountsFile, CONSOLE_ACCOUNT_RULES, newTotpSecret, type ConsoleRole } from '../../../src/core/auth/index.js';
import { systemClock, type Clock } from '../../../src/core/clock.js';
import type { StatusPayload } from '../../../src/core/protocol/messages.js';
import { loadIndexerConfig } from '../../../src/central/config.js';
import type { BoxView } from '../../../src/central/fleet/types.js';
import { Indexer } from '../../../src/central/indexer.js';
import type { FleetPageData } from '../../../src/central/console/pages/fleet.js';
import type { Viewer } from '../../../src/central/console/pages/types.js';
import { centralKeys, indexerConfig, type CentralKeys } from '../../helpers/central.js';
import { memoryLog } from '../../helpers/log.js';
import { CSRF, DAY, NOW, NUMBER } from './fixture.js';
import { PASSWORD, type Client } from './inject-client.js';

export { PASSWORD };

export const ADMIN: Viewer = { name: 'aino', role: 'admin' };
export const SUPERVISOR_V: Viewer = { name: 'maija', role: 'supervisor' };

/** A status as a box sends it, with every part present; `extra` replaces parts. */
export function status(extra: Partial<StatusPayload> = {}): StatusPayload {
  return {
    ts: NOW - 20_000, boot: 3, version: '0.1.0', uptimeS: 86_400,
    lines: [{ id: 'line-1', state: 'idle', lastCallEnd: NOW - 3_600_000, notice: 'heard' }, { id: 'line-2', state: 'active', since: NOW - 90_000 }],
    announcement: 'verify',
    capture: { state: 'running', overruns: 0, gapsMs: 0 },
    disk: { freeBytes: 48_200_000_000, totalBytes: 64_000_000_000, usedPercent: 24.7, daysLeft: 412, level: 'ok' },
    cpu: { load1: 0.21, temperatureC: 48 },
    memory: { rssBytes: 80_000_000, freeBytes: 1_000_000_000, totalBytes: 2_000_000_000 },
    clock: { synced: true, source: 'system' },
    outbox: { backlog: 0, lastAckedSeq: 1234 },
    alarms: [],
    ...extra,
  };
}

/** Three sites' boxes in every state: ready, alert with alarms and a full disk, lost, and one that has sent no status. */
export function boxes(): BoxView[] {
  return [
    { site: 'kotka', box: 'ktk-1', state: 'alert', lastSeen: NOW - 30_000, watermark: 40, status: status({
      alarms: [
        { kind: 'storage-floor', message: 'storage at its floor: 1.2 GB free', since: NOW - 2 * 3_600_000 },
        { kind: 'capture-lost', message: 'the capture device stopped', since: NOW - 600_000 },
        { kind: 'quantum-flux', message: 'a kind from a newer box', since: NOW - 60_000 },
      ],
      disk: { freeBytes: 900_000_000, totalBytes: 64_000_000_000, usedPercent: 98.6, daysLeft: 0, level: 'floor' },
      clock: { synced: false, source: 'rtc' },
      outbox: { backlog: 17, lastAckedSeq: 23 },
      lines: [{ id: 'line-1', state: 'ringing' }, { id: 'line-2', state: 'stopped', since: NOW - 30_000 }, { id: 'line-3', state: 'warp' }],
    }) },
    { site: 'lappeenranta', box: 'lpr-1', state: 'ready', lastSeen: NOW - 20_000, watermark: 1234, status: status() },
    { site: 'lappeenranta', box: 'lpr-2', state: 'lost', lastSeen: NOW - 3 * DAY, watermark: 7, status: status({
      ts: NOW - 3 * DAY, disk: { freeBytes: 10_000_000_000, totalBytes: 32_000_000_000, usedPercent: 68.8, level: 'warning' }, clock: {},
      outbox: { backlog: 1, lastAckedSeq: 6 }, lines: [],
    }) },
    { site: 'mikkeli', box: 'mkl-1', state: 'init', lastSeen: NOW - 5_000, watermark: 0 },
  ];
}

export function fleetData(extra: Partial<FleetPageData> = {}): FleetPageData {
  return { user: ADMIN, csrf: CSRF, boxes: boxes(), now: NOW, canCommand: true, ...extra };
}

/** What a box's status must never bring to a page, should one ever carry it. */
export function statusCarryingPersonalData(): StatusPayload {
  return { ...status(), caller: NUMBER, lastCaller: '040 123 4567', staff: 'Maija Meikäläinen', lines: [{ id: 'line-1', state: 'active', number: NUMBER, caller: '0401234567' }] } as unknown as StatusPayload;
}

// ---- the console through the real indexer ----


export interface ConsoleSetup {
  indexer: Indexer;
  keys: CentralKeys;
  dir: string;
  log: ReturnType<typeof memoryLog>;
  /** a new account (each login a person of its own: a code is good once) */
  person(role: ConsoleRole, sites?: string[]): Promise<{ name: string; secret: string }>;
}

/** The real indexer (index, fleet, audit log, accounts file); `brokerUrl` defaults to a port nothing listens on. */
export async function consoleSetup(t: Test, o: { brokerUrl?: string; commandTimeoutS?: number; clock?: Clock } = {}): Promise<ConsoleSetup> {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-fleet-'));
  const keys = centralKeys(join(dir, 'keys'));
  const file = indexerConfig(dir, keys, { url: o.brokerUrl ?? 'mqtt://127.0.0.1:1' });
  if (o.commandTimeoutS !== undefined) {
    const { readFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/commandTimeoutS: \d+/, `commandTimeoutS: ${o.commandTimeoutS}`));
  }
  const config = await loadIndexerConfig(file);
  const accounts = new AccountsFile(config.console.users, { ...CONSOLE_ACCOUNT_RULES, clock: systemClock });
  let n = 0;
  const person = async (role: ConsoleRole, sites?: string[]) => {
    const name = `${role.slice(0, 3)}-${++n}`;
    const secret = newTotpSecret();
    await accounts.add(name, role, PASSWORD, { ...(sites ? { sites } : {}), totp: secret });
    return { name, secret };
  };
  const log = memoryLog();
  const indexer = await Indexer.start({ config, sealingKey: keys.sealing, commandKey: keys.command.key, clock: o.clock ?? systemClock, log: log.log, listen: false });
  t.teardown(() => indexer.stop());
  return { indexer, keys, dir, log, person };
}

export { client, login, type Client } from './inject-client.js';

/** The form token of the last page, and a POST of one command form with it. */
export async function command(c: Client, page: string, site: string, box: string, verb: string, form: Record<string, string>) {
  return c.post(`/console/fleet/${site}/${box}/commands/${verb}`, { ...form, _csrf: c.csrfOf(page) });
}
