// A real box (its store, audit log and lines; a capture device that stays silent) behind the
// status page, with real accounts in a temp folder, and a small cookie jar for inject().
import type { Test } from 'tap';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Box } from '../../../../src/box/box.js';
import { buildStatusApp, type StatusServerOptions } from '../../../../src/box/status/web/index.js';
import { AccountsFile, BOX_ROLES } from '../../../../src/core/auth/index.js';
import type { AuditEntry } from '../../../../src/core/audit/index.js';
import { ManualClock } from '../../../../src/core/clock.js';
import { loadConfig, type Config } from '../../../../src/core/config/index.js';
import { boxFixture } from '../../../helpers/box-fixture.js';
import { idleBinding } from '../../../helpers/idle-binding.js';
import { memoryLog } from '../../../helpers/log.js';
import { sealingKeys } from '../../../helpers/sealed-recording.js';

export const TECH = { name: 'tech', password: 'kuusi kaunista kukkaa' };
export const STAFF = { name: 'staff', password: 'seitsemän sinistä siltaa' };
export const NOW = Date.UTC(2026, 2, 10, 10, 0, 0);

export interface Web {
  app: FastifyInstance;
  box: Box;
  config: Config;
  clock: ManualClock;
  accounts: AccountsFile;
  sealTo: ReturnType<typeof sealingKeys>['sealTo'];
  dir: string;
  logLines: Record<string, unknown>[];
  audit(): Promise<AuditEntry[]>;
}

export async function web(t: Test, over: Partial<StatusServerOptions> = {}, channels = 2): Promise<Web> {
  const f = boxFixture({ infile: '/dev/null', channels });
  const config = await loadConfig(f.config);
  const { sealTo } = sealingKeys();
  const { log, lines } = memoryLog();
  const box = await Box.start({ config, sealTo, log, binding: idleBinding });
  t.teardown(() => box.stop());
  const clock = new ManualClock(NOW);
  const accounts = new AccountsFile(join(f.dir, 'users.json'), { roles: BOX_ROLES, clock });
  await accounts.add(TECH.name, 'technician', TECH.password);
  await accounts.add(STAFF.name, 'site-staff', STAFF.password);
  const app = await buildStatusApp({ box, config, accounts, clock, log, listen: false, clockSynced: async () => true, ...over });
  t.teardown(() => app.close());
  const audit = async () => {
    await box.audit.idle();
    const out: AuditEntry[] = [];
    for await (const e of box.audit.entries()) out.push(e);
    return out;
  };
  return { app, box, config, clock, accounts, sealTo, dir: f.dir, logLines: lines, audit };
}

/** Cookies as a browser would keep them for this one origin. */
export class Jar {
  readonly cookies = new Map<string, string>();
  take(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies as { name: string; value: string; expires?: Date; maxAge?: number }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() <= 0) || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no CSRF token in the page:\n${html.slice(0, 2000)}`);
  return m[1]!;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** A browser of the status page: a jar, and the token of the last page it loaded. */
export class Browser {
  readonly jar = new Jar();
  csrf = '';
  constructor(readonly app: FastifyInstance) {}

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = this.jar.take(await this.app.inject({ method: 'GET', url, headers: { cookie: this.jar.header(), ...headers } }));
    if (res.statusCode === 200 && /name="_csrf"/.test(res.body)) this.csrf = csrfOf(res.body);
    return res;
  }

  /** Posts a form; `_csrf` is the last page's token unless given (null: none at all). */
  async post(url: string, fields: Record<string, string> = {}, o: { csrf?: string | null; headers?: Record<string, string> } = {}): Promise<LightMyRequestResponse> {
    const token = o.csrf === undefined ? this.csrf : o.csrf;
    const body = form(token === null ? fields : { _csrf: token, ...fields });
    return this.jar.take(
      await this.app.inject({
        method: 'POST', url, payload: body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.jar.header(), ...(o.headers ?? {}) },
      }),
    );
  }

  async login(who: { name: string; password: string }): Promise<LightMyRequestResponse> {
    await this.get('/login');
    const res = await this.post('/login', { name: who.name, password: who.password });
    if (res.statusCode === 303 && res.headers.location === '/') await this.get('/');
    return res;
  }
}

export async function loggedIn(app: FastifyInstance, who: { name: string; password: string }): Promise<Browser> {
  const b = new Browser(app);
  const res = await b.login(who);
  if (res.statusCode !== 303) throw new Error(`login of ${who.name} failed: ${res.statusCode} ${res.body.slice(0, 500)}`);
  return b;
}

/** Puts line `id` into a call being recorded, the caller's number signalled by a line unit. */
export function liveCall(box: Box, id: string, number = '0401234567'): void {
  const line = box.lines.find((l) => l.id === id)!;
  line.signal({ type: 'caller-id', source: 'line-unit', status: 'ok', number });
  line.signal({ type: 'ring', source: 'line-unit' });
  line.signal({ type: 'off-hook', source: 'line-unit' });
}
