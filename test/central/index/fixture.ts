// Events as boxes send them, and an index over a temp dir. A call's numbers live only in this
// file's memory: `sealedMeta` is an opaque token, so a test can prove no number reaches the disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/core/clock.js';
import type { DeletedEvent, EventMessage, ExpiryEvent, HoldInfo, RecordingEvent } from '../../../src/core/protocol/messages.js';
import { CallIndex, type CallIndexOptions } from '../../../src/central/index/call-index.js';

export const KEY = Buffer.alloc(32, 0x5a);
export const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

/** What `openMeta` would find under each sealedMeta token. */
export const metaStore = new Map<string, { calling?: string; called?: string }>();
let metaTokens = 0;

export function recording(id: string, over: Partial<RecordingEvent> & { numbers?: { calling?: string; called?: string } } = {}): RecordingEvent {
  const { numbers, ...rest } = over;
  const start = rest.start ?? T0;
  const ev: RecordingEvent = {
    id, line: 'line-1', start, end: start + 60_000, durationMs: 60_000, state: 'closed', direction: 'incoming', signalling: 'vox', clip: 'ok',
    wrappedKey: Buffer.alloc(40, 1).toString('base64'), keyId: '0011223344556677', chunks: 63, gapMs: 0, retentionMonths: 2,
    expiresAt: start + 59 * DAY, holds: [],
    audio: { codec: 'opus', inputSampleRate: 8000, frameMs: 20, preSkip: 312, bitrate: 12000, packetsPerChunk: 48 },
    ...rest,
  };
  if (numbers) {
    const token = `tok${++metaTokens}`;
    metaStore.set(token, numbers);
    ev.sealedMeta = Buffer.from(token).toString('base64');
    ev.metaVersion = 0;
  }
  return ev;
}

export const openMeta: CallIndexOptions['openMeta'] = (call) =>
  call.sealed?.sealedMeta ? metaStore.get(Buffer.from(call.sealed.sealedMeta, 'base64').toString()) : undefined;

export function hold(until: number, caseRef = 'C-1'): HoldInfo {
  return { reason: 'complaint', caseRef, by: 'user-7', until, at: T0 };
}

export const evRecording = (seq: number, body: RecordingEvent): EventMessage => ({ seq, boot: 1, ts: body.end, kind: 'recording', body });
export const evExpiry = (seq: number, body: ExpiryEvent): EventMessage => ({ seq, boot: 1, ts: T0, kind: 'expiry', body });
export const evDeleted = (seq: number, body: DeletedEvent): EventMessage => ({ seq, boot: 1, ts: T0, kind: 'deleted', body });

export function deletedOf(r: RecordingEvent, deletedAt: number, reason: DeletedEvent['reason'] = 'expired'): DeletedEvent {
  return { id: r.id, line: r.line, start: r.start, expiresAt: r.expiresAt, deletedAt, reason };
}

export const callId = (n: number): string => `0190a000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

export interface Opened {
  index: CallIndex;
  dir: string;
  reopen(): Promise<CallIndex>;
}

/** An index in a fresh temp dir, closed and removed when the test ends. */
export async function openIndex(t: { teardown(fn: () => unknown): void }, over: Partial<CallIndexOptions> = {}): Promise<Opened> {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-index-'));
  const opts: CallIndexOptions = { blindKey: KEY, openMeta, clock: new ManualClock(T0), ...over };
  const state: Opened = {
    index: await CallIndex.open(dir, opts),
    dir,
    async reopen() {
      await state.index.close();
      state.index = await CallIndex.open(dir, opts);
      return state.index;
    },
  };
  t.teardown(async () => {
    await state.index.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });
  return state;
}

/** Every key and value of the LevelDB, for comparing two indexes byte for byte. */
export async function dump(index: CallIndex): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const [k, v] of index.db.iterator({ valueEncoding: 'utf8' })) out.push([k, v]);
  return out;
}
