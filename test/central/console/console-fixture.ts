// The console over in-memory stand-ins (the API fixture's call index, a fleet, a box that
// answers as told, an audit log kept in an array), on a manual clock: for the logic of the call
// routes (listen, holds) without a broker or a box. The real parts: listen-e2e.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { AccountsFile, CONSOLE_ACCOUNT_RULES, type ConsoleRole } from '../../../src/core/auth/index.js';
import { ManualClock } from '../../../src/core/clock.js';
import type { Reply } from '../../../src/core/protocol/messages.js';
import { buildApi, type ApiAuditEntry, type ApiDeps } from '../../../src/central/api/server.js';
import type { ConsoleDeps } from '../../../src/central/console/context.js';
import type { CopyInfo } from '../../../src/central/copies/store.js';
import type { TrainingProject } from '../../../src/central/projects/types.js';
import { FakeIndex, NOW } from '../api/fixture.js';
import { Level } from 'level';
import { blindIndexKey } from '../../../src/core/seal/index.js';
import { FieldSealer } from '../../../src/central/registers/sealer.js';
import { memoryLog } from '../../helpers/log.js';
import { sealingKeys } from '../../helpers/sealed-recording.js';
import { client, PASSWORD } from './inject-client.js';

export type Sent = Parameters<ApiDeps['commands']['send']>[0];

export interface ConsoleFixture {
  app: FastifyInstance;
  clock: ManualClock;
  index: FakeIndex;
  audit: ApiAuditEntry[];
  lines: Record<string, unknown>[];
  sent: Sent[];
  /** what the box answers; default: ok, with the expiry a hold or release would give */
  answer: (req: Sent) => Promise<Reply>;
  projects: TrainingProject[];
  copies: Map<string, CopyInfo>;
  /** the calls playback opened, and what opening does */
  opened: string[];
  open: (id: string) => Promise<{ ogg: Buffer; source: 'box' | 'central-copy' }>;
  ensureFails: boolean;
  /** the audit log refuses entries of this action */
  auditFailsFor: string | undefined;
  person(name: string, role: ConsoleRole, sites?: string[]): Promise<void>;
  login(name: string): Promise<ReturnType<typeof client>>;
}

export const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(4000, 7)]);

export async function consoleFixture(t: Test, o: { tokens?: ApiDeps['tokens'] } = {}): Promise<ConsoleFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-console-fx-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const clock = new ManualClock(NOW);
  const { log, lines } = memoryLog();
  const accounts = new AccountsFile(join(dir, 'users.json'), { ...CONSOLE_ACCOUNT_RULES, clock });
  const db = new Level<string, unknown>(join(dir, 'db'), { valueEncoding: 'json' });
  t.teardown(() => db.close());
  const keys = sealingKeys();
  const f: ConsoleFixture = {
    clock, lines, index: new FakeIndex(), audit: [], sent: [], projects: [], copies: new Map(), opened: [], ensureFails: false, auditFailsFor: undefined,
    answer: async (req) => ({ correlationId: 'c-1', ok: true, verb: req.verb, result: { expiresAt: Number(req.args['until'] ?? NOW + 86_400_000), until: Number(req.args['until'] ?? 0) } }),
    open: async () => ({ ogg: OGG, source: 'box' }),
    person: async (name, role, sites) => void (await accounts.add(name, role, PASSWORD, sites ? { sites } : {})),
    login: async (name) => {
      const c = client({ api: f.app } as never);
      const page = await c.get('/console/login');
      const r = await c.post('/console/login', { name, password: PASSWORD, _csrf: c.csrfOf(page.body) });
      if (r.statusCode !== 303) throw new Error(`login of ${name}: ${r.statusCode}`);
      return c;
    },
    app: undefined as never,
  };
  const audit = {
    append: async (e: ApiAuditEntry) => {
      if (e.action === f.auditFailsFor) throw new Error('disk full');
      f.audit.push(structuredClone(e));
    },
  };
  const commands = { send: async (req: Sent) => (f.sent.push(structuredClone(req)), f.answer(req)) };
  const fleet = {
    list: (now: number) => [
      { site: 'lappeenranta', box: 'lpr-1', state: 'ready' as const, lastSeen: now - 1000, watermark: 7 },
      { site: 'kotka', box: 'ktk-1', state: 'lost' as const, lastSeen: now - 7_200_000, watermark: 3 },
    ],
  };
  const console: ConsoleDeps = {
    accounts, totpRoles: [], sessionMinutes: 30, language: 'en', index: f.index, fleet, clock, log, commands,
    db, sealer: new FieldSealer(keys.key, blindIndexKey(keys.key)),
    audit: { ...audit, entries: async function* () {}, verify: async () => ({ ok: true }) as never },
    auditHeads: () => new Map(),
    projects: {
      list: async () => f.projects,
      get: async (id: string) => f.projects.find((p) => p.id === id),
      ofMember: async (name: string) => f.projects.filter((p) => p.members.includes(name)),
      containing: async (id: string) => f.projects.filter((p) => p.recordings.some((r) => r.id === id)),
      // The call routes only read the register; its writes are the project routes' (projects.test.ts).
    } as unknown as ConsoleDeps['projects'],
    playback: { open: async (call) => (f.opened.push(call.id), f.open(call.id)) },
    copies: {
      infoOf: async (id) => f.copies.get(id),
      ensure: async (call, expiresAt) => {
        if (f.ensureFails) throw new Error('no answer');
        const info = { id: call.id, site: call.site, box: call.box, keptAt: clock.now(), expiresAt: expiresAt ?? call.expiresAt, record: {} as CopyInfo['record'] };
        f.copies.set(call.id, info);
        return info;
      },
    },
  };
  f.app = buildApi({
    index: f.index, fleet, commands, audit, tokens: o.tokens ?? [], clock, log, alarms: () => [], openNumbers: () => undefined, console,
    playback: console.playback, projects: console.projects,
  });
  return f;
}
