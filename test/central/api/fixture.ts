// In-memory stand-ins for what the API is built from: a call index, a fleet, a command sender,
// an audit log and a log that keep everything for the tests to look at.
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../../src/core/clock.js';
import type { Reply } from '../../../src/core/protocol/messages.js';
import type { BoxView } from '../../../src/central/fleet/types.js';
import type { CallIndexApi, CallQuery, IndexedCall, SearchPage } from '../../../src/central/index/types.js';
import { buildApi, newApiToken, type ApiAuditEntry, type ApiDeps, type OpenedNumbers } from '../../../src/central/api/server.js';
import { memoryLog } from '../../helpers/log.js';

export const NOW = Date.UTC(2026, 10, 28, 12);
export const HOUR = 3_600_000;

/** The phone numbers of the test calls: none of these may ever reach an audit entry or a log line. */
export const NUMBERS = { anna: '+358401234567', office: '0291234567' };
export const NUMBER_TRACES = ['401234567', '40 123 4567', '291234567', 'Anna Asiakas'];

export const IDS = {
  lpr1: '019ac9d2-0000-7000-8000-000000000001',
  lpr2: '019ac9d2-0000-7000-8000-000000000002',
  kotka: '019ac9d2-0000-7000-8000-000000000003',
  gone: '019ac9d2-0000-7000-8000-000000000004',
  unknown: '019ac9d2-0000-7000-8000-00000000ffff',
};

function call(id: string, site: string, box: string, start: number, extra: Partial<IndexedCall> = {}): IndexedCall {
  return {
    id, site, box, line: 'l1', start, end: start + 60_000, durationMs: 60_000, direction: 'incoming', clip: 'ok', state: 'closed',
    retentionMonths: 2, expiresAt: start + 61 * 24 * HOUR, holds: [], seq: 1,
    sealed: { wrappedKey: 'd3JhcHBlZA==', keyId: 'k1', sealedMeta: 'c2VhbGVk', metaVersion: 1, chunks: 3, audio: { codec: 'opus', inputSampleRate: 8000, frameMs: 20, preSkip: 312, bitrate: 16000, packetsPerChunk: 50 } },
    ...extra,
  };
}

export const CALLS: IndexedCall[] = [
  call(IDS.lpr1, 'lappeenranta', 'lpr-1', NOW - 3 * HOUR),
  call(IDS.lpr2, 'lappeenranta', 'lpr-1', NOW - 2 * HOUR, { direction: 'outgoing' }),
  call(IDS.kotka, 'kotka', 'ktk-1', NOW - 1 * HOUR),
  call(IDS.gone, 'lappeenranta', 'lpr-1', NOW - 90 * 24 * HOUR, { sealed: undefined, deleted: { at: NOW - HOUR, reason: 'expired' } }),
];

/** Who spoke on which call; what openNumbers unseals and what a number search matches. */
const NUMBERS_OF: Record<string, OpenedNumbers> = {
  [IDS.lpr1]: { calling: NUMBERS.anna, called: NUMBERS.office, name: 'Anna Asiakas' },
  [IDS.kotka]: { calling: NUMBERS.anna, called: NUMBERS.office },
};

const digits = (s: string) => s.replace(/[^0-9]/g, '').replace(/^00358|^358/, '0');

export class FakeIndex implements CallIndexApi {
  queries: CallQuery[] = [];
  searchError: Error | undefined;
  constructor(public calls: IndexedCall[] = CALLS.map((c) => structuredClone(c))) {}
  async ingest(): Promise<never> {
    throw new Error('not in these tests');
  }
  async watermark(): Promise<number> {
    return 0;
  }
  async search(q: CallQuery): Promise<SearchPage> {
    this.queries.push(q);
    if (this.searchError) throw this.searchError;
    // As the real index refuses what it cannot search: a TypeError naming the field.
    if (q.number !== undefined && digits(q.number).length < 6) throw new TypeError('number: not a phone number (digits, with an optional leading + or 00)');
    if (q.cursor !== undefined && !/^o\d+$/.test(q.cursor)) throw new TypeError('cursor: not a cursor from a previous page of this search');
    let hits = this.calls.filter(
      (c) =>
        (q.sites === undefined || q.sites.includes(c.site)) &&
        (q.site === undefined || c.site === q.site) &&
        (q.box === undefined || c.box === q.box) &&
        (q.line === undefined || c.line === q.line) &&
        (q.direction === undefined || c.direction === q.direction) &&
        (q.from === undefined || c.start >= q.from) &&
        (q.to === undefined || c.start < q.to) &&
        (q.number === undefined || digits(NUMBERS_OF[c.id]?.calling ?? '') === digits(q.number)),
    );
    hits = hits.sort((a, b) => b.start - a.start);
    const offset = q.cursor ? Number(q.cursor.slice(1)) : 0;
    const limit = q.limit ?? 50;
    const page = hits.slice(offset, offset + limit);
    // What a careless index might hand back: the sealed parts and seq, which the API must strip.
    return { calls: page.map((c) => structuredClone(c)), ...(offset + limit < hits.length ? { next: `o${offset + limit}` } : {}) };
  }
  async get(id: string): Promise<IndexedCall | undefined> {
    const c = this.calls.find((x) => x.id === id);
    return c && structuredClone(c);
  }
  async overdue(): Promise<never[]> {
    return [];
  }
  async count(): Promise<number> {
    return this.calls.length;
  }
  async close(): Promise<void> {}
}

export const BOXES: BoxView[] = [
  { site: 'lappeenranta', box: 'lpr-1', state: 'ready', lastSeen: NOW - 1000, watermark: 7 },
  { site: 'kotka', box: 'ktk-1', state: 'alert', lastSeen: NOW - 5000, watermark: 3 },
];

export type Sent = Parameters<ApiDeps['commands']['send']>[0];

export function timeoutError(): Error {
  return Object.assign(new Error('no reply in 10000 ms'), { code: 'TAL_COMMAND_TIMEOUT' });
}

export interface Fixture {
  app: FastifyInstance;
  clock: ManualClock;
  index: FakeIndex;
  audit: ApiAuditEntry[];
  lines: Record<string, unknown>[];
  sent: Sent[];
  opened: string[];
  tokens: Record<'supervisor' | 'supervisorAll' | 'privacy' | 'admin', string>;
  /** what the fake box answers; default: ok */
  answer: (req: Sent) => Promise<Reply>;
  auditFails: boolean;
  openFails: boolean;
  req(method: 'GET' | 'POST', url: string, who?: keyof Fixture['tokens'] | null, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; headers: Record<string, unknown> }>;
}

export function fixture(over: Partial<ApiDeps> = {}): Fixture {
  const clock = new ManualClock(NOW);
  const index = new FakeIndex();
  const { log, lines } = memoryLog();
  const made = {
    supervisor: newApiToken(), supervisorAll: newApiToken(), privacy: newApiToken(), admin: newApiToken(),
  };
  const f = {
    clock, index, lines, audit: [] as ApiAuditEntry[], sent: [] as Sent[], opened: [] as string[],
    tokens: Object.fromEntries(Object.entries(made).map(([k, v]) => [k, v.token])) as Fixture['tokens'],
    auditFails: false,
    openFails: false,
    answer: async (req: Sent): Promise<Reply> => ({ correlationId: 'c-1', ok: true, verb: req.verb, result: { done: true } }),
  } as Fixture;
  f.app = buildApi({
    index,
    fleet: { list: () => BOXES.map((b) => ({ ...b })) },
    commands: {
      send: async (req) => {
        f.sent.push(structuredClone(req));
        return f.answer(req);
      },
    },
    audit: {
      append: async (e) => {
        if (f.auditFails) throw new Error('disk full');
        f.audit.push(structuredClone(e));
        return e;
      },
    },
    tokens: [
      { name: 'saara.supervisor', role: 'supervisor', sites: ['lappeenranta'], sha256: made.supervisor.sha256 },
      { name: 'sami.supervisor', role: 'supervisor', sha256: made.supervisorAll.sha256 },
      { name: 'pia.privacy', role: 'privacy-officer', sha256: made.privacy.sha256 },
      { name: 'aki.admin', role: 'admin', sha256: made.admin.sha256 },
    ],
    clock,
    log,
    alarms: () => [
      { kind: 'disk', site: 'kotka', box: 'ktk-1', message: 'disk 91 % full', since: NOW - HOUR },
      { kind: 'capture', site: 'lappeenranta', box: 'lpr-1', message: 'line l2 lost', since: NOW - 2 * HOUR },
    ],
    openNumbers: (c) => {
      f.opened.push(c.id);
      if (f.openFails) throw new Error(`unseal failed for calling ${NUMBERS.anna}`);
      return NUMBERS_OF[c.id] && { ...NUMBERS_OF[c.id] };
    },
    ...over,
  });
  f.req = async (method, url, who = 'privacy', body, headers = {}) => {
    const h: Record<string, string> = who ? { authorization: `Bearer ${f.tokens[who]}` } : {};
    if (typeof body === 'string') h['content-type'] = 'application/json';
    const res = await f.app.inject({ method, url, headers: { ...h, ...headers }, ...(body === undefined ? {} : { payload: body as string | object }) });
    let json: unknown;
    try {
      json = res.json();
    } catch {
      json = res.body;
    }
    return { status: res.statusCode, json, headers: res.headers };
  };
  return f;
}

/** Every audit entry and log line as text, to look for numbers in. */
export function everythingWritten(f: Fixture): string {
  return JSON.stringify(f.audit) + '\n' + JSON.stringify(f.lines);
}
