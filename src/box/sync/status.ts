import { execFile } from 'node:child_process';
import { freemem, loadavg, totalmem } from 'node:os';
import si from 'systeminformation';
import type { StatusPayload } from '../../core/protocol/messages.js';
import type { Box } from '../box.js';
import type { Outbox } from './outbox.js';

import { createRequire } from 'node:module';

const { version: VERSION } = createRequire(import.meta.url)('../../../package.json') as { version: string };

/** Whether the system clock is NTP-synchronised, as systemd-timesyncd or chrony tell timedatectl. */
export function clockSynced(): Promise<boolean | undefined> {
  return new Promise((resolve) => {
    execFile('timedatectl', ['show', '--property=NTPSynchronized', '--value'], { timeout: 2000 }, (err, out) => {
      if (err) return resolve(undefined); // no systemd here (a container): unknown, not "unsynced"
      resolve(out.trim() === 'yes');
    });
  });
}

/**
 * The box's health for the retained `status` topic and the status page: line states, capture,
 * disk and its forecast, CPU, memory, clock, backlog, alarms. Nothing in it names a caller.
 */
export async function boxStatus(box: Box, outbox: Outbox, now: number, deps: { synced?: () => Promise<boolean | undefined> } = {}): Promise<StatusPayload> {
  const [temp, synced] = await Promise.all([si.cpuTemperature().catch(() => undefined), (deps.synced ?? clockSynced)()]);
  const disk = box.monitor.last;
  const cap = box.capture.stats;
  return {
    ts: now,
    boot: outbox.boot,
    version: VERSION,
    uptimeS: Math.round((now - box.startedAt) / 1000),
    lines: box.lines.map((l) => ({
      id: l.id, state: l.state,
      ...(box.lastCallEnd.has(l.id) ? { lastCallEnd: box.lastCallEnd.get(l.id)! } : {}),
      ...(box.lastNotice.has(l.id) ? { notice: box.lastNotice.get(l.id)!.status } : {}),
    })),
    announcement: box.announcementMode,
    announcementText: box.announcementText,
    retentionMonths: box.retentionMonths,
    capture: { state: cap.state, overruns: cap.overruns, gapsMs: Math.round((cap.discardedSamples / box.sampleRate) * 1000) },
    disk: disk
      ? { freeBytes: disk.freeBytes, totalBytes: disk.totalBytes, usedPercent: Math.round(disk.usedFraction * 1000) / 10, ...(disk.daysLeft !== null ? { daysLeft: Math.floor(disk.daysLeft) } : {}), level: disk.level }
      : { freeBytes: 0, totalBytes: 0, usedPercent: 0, level: 'unknown' },
    cpu: { load1: Math.round(loadavg()[0]! * 100) / 100, ...(temp && typeof temp.main === 'number' && temp.main > 0 ? { temperatureC: temp.main } : {}) },
    memory: { rssBytes: process.memoryUsage().rss, freeBytes: freemem(), totalBytes: totalmem() },
    clock: { ...(synced !== undefined ? { synced } : {}), source: 'system' },
    outbox: { backlog: await outbox.backlog(), lastAckedSeq: outbox.lastAcked },
    alarms: [...box.alarms.values()].map((a) => ({ kind: a.kind, message: a.message, since: a.since })),
  };
}
