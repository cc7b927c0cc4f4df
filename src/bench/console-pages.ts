// The staff console's main pages, served by the real console plugin over the 1,000,000-call index
// (serveCentral in api-search.ts): people log in over HTTP with a password and the
// authenticator's code, then each page is asked for in turn, round after round, over one
// keep-alive connection per person. Figures: the time to the full response on loopback, and
// fastify's own time for the request. A page that does not answer 200 (a section still being
// built) is skipped and said so, not failed.
import { Secret, TOTP } from 'otpauth';
import { newTotpSecret } from '../core/auth/index.js';
import { mulberry32 } from '../core/dsp/generate.js';
import { HttpClient, csrfOf, percentiles, type Answer, type Central } from './api-search.js';
import { SPAN_MS, T0, queryMakers } from './index-search.js';
import { progress, round } from './measure.js';

const PASSWORD = 'a long enough password for timing pages';
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WARMUP = 3;

/** A datetime-local field's value, as Helsinki wall time (what the search form takes). */
const HELSINKI = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const localTime = (ms: number): string => HELSINKI.format(new Date(ms)).replace(' ', 'T');

/** The search form as a browser sends it: every field, the unused ones empty. */
function searchForm(fields: Record<string, string>): string {
  const p = new URLSearchParams();
  for (const f of ['from', 'to', 'site', 'line', 'direction', 'number', 'minSeconds', 'maxSeconds', 'held', 'notice']) p.set(f, fields[f] ?? '');
  return `/console/search?${p.toString()}`;
}

type Who = 'anonymous' | 'supervisor' | 'officer' | 'admin';

interface Page {
  who: Who;
  what: string;
  path: () => string;
  /** the page is the one asked for, with something in it; returns the result rows it shows */
  check: (body: string) => number | false;
}

const callLinks = (body: string): number => new Set(body.match(/\/console\/calls\/[0-9a-f-]{36}/g) ?? []).size;

interface Login {
  client: HttpClient;
  passwordMs: number;
  codeMs: number;
}

async function login(c: Central, name: string, secret: string): Promise<Login> {
  const client = new HttpClient(c.url);
  const form = await client.get('/console/login');
  if (form.status !== 200) throw new Error(`console: GET /console/login answered ${form.status}`);
  const first = await client.postForm('/console/login', { name, password: PASSWORD, _csrf: csrfOf(form.body.toString()) });
  if (first.status !== 200 || !/name="code"/.test(first.body.toString())) throw new Error(`console: the password step for ${name} answered ${first.status}`);
  // The code for the server's clock (a code is accepted once: each person logs in once).
  const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: c.clock.now() });
  const done = await client.postForm('/console/login/code', { code, _csrf: csrfOf(first.body.toString()) });
  if (done.status !== 303) throw new Error(`console: the code step for ${name} answered ${done.status}: ${done.body.toString().slice(0, 200)}`);
  return { client, passwordMs: first.totalMs, codeMs: done.totalMs };
}

export async function benchConsolePages(c: Central, opts: { reps?: number } = {}): Promise<Record<string, unknown>> {
  const reps = opts.reps ?? 50;
  progress('console: accounts and logins');
  const people = {
    supervisor: { name: 'bench-console-sup', role: 'supervisor', sites: c.ownSites },
    officer: { name: 'bench-console-dpo', role: 'privacy-officer' },
    admin: { name: 'bench-console-admin', role: 'admin' },
  } as const;
  const clients: Record<Who, HttpClient> = { anonymous: new HttpClient(c.url) } as Record<Who, HttpClient>;
  const logins: Record<string, { passwordMs: number; codeMs: number }> = {};
  for (const [who, p] of Object.entries(people) as [Exclude<Who, 'anonymous'>, (typeof people)[keyof typeof people]][]) {
    const secret = newTotpSecret();
    await c.accounts.add(p.name, p.role, PASSWORD, { ...('sites' in p ? { sites: [...p.sites] } : {}), totp: secret });
    const l = await login(c, p.name, secret);
    clients[who] = l.client;
    logins[who] = { passwordMs: round(l.passwordMs, 1), codeMs: round(l.codeMs, 1) };
  }

  // Calls the supervisor may open: at their sites, over the whole span.
  const rnd = mulberry32(23);
  const callIds: string[] = [];
  while (callIds.length < 200) {
    const from = T0 + Math.floor(rnd() * (SPAN_MS - DAY));
    const page = await c.index.search({ from, to: from + DAY, sites: c.ownSites, limit: 10 });
    callIds.push(...page.calls.map((x) => x.id));
  }
  const make = queryMakers(c.built.pool, rnd);
  const hourForm = () => {
    const from = T0 + Math.floor(rnd() * (SPAN_MS - HOUR));
    return searchForm({ from: localTime(from), to: localTime(from + HOUR) });
  };
  const numberForm = () => searchForm({ number: make.number().number! });
  let nextCall = 0;

  const pages: Record<string, Page> = {
    login: { who: 'anonymous', what: 'GET /console/login, no session', path: () => '/console/login', check: (b) => (/name="password"/.test(b) ? 0 : false) },
    searchForm: { who: 'supervisor', what: 'GET /console/search, the empty form (live calls from the fleet\'s reports)', path: () => '/console/search', check: (b) => (/name="number"/.test(b) ? 0 : false) },
    searchHour: { who: 'supervisor', what: 'the search form with a 1-hour window, a supervisor of 3 sites', path: hourForm, check: (b) => callLinks(b) || false },
    searchNumber: { who: 'supervisor', what: 'the search form with a number, a supervisor of 3 sites (most numbers have no call there)', path: numberForm, check: (b) => (/name="number"/.test(b) ? callLinks(b) : false) },
    searchHourAllSites: { who: 'officer', what: 'the search form with a 1-hour window, privacy officer (all 20 sites)', path: hourForm, check: (b) => callLinks(b) || false },
    searchNumberAllSites: { who: 'officer', what: 'the search form with a number, privacy officer (all sites)', path: numberForm, check: (b) => (/name="number"/.test(b) ? callLinks(b) : false) },
    call: {
      who: 'supervisor', what: 'GET /console/calls/:id, a call at the supervisor\'s sites',
      path: () => `/console/calls/${callIds[nextCall++ % callIds.length]}`,
      check: (b) => (/<h1|<main/.test(b) && /name="purpose"|listen/.test(b) ? 1 : false),
    },
    fleet: { who: 'supervisor', what: 'GET /console/fleet, a supervisor of 3 sites (3 boxes)', path: () => '/console/fleet', check: (b) => (b.includes('box-1') ? 0 : false) },
    fleetAll: { who: 'admin', what: 'GET /console/fleet, an admin (20 boxes, with command forms)', path: () => '/console/fleet', check: (b) => (b.includes('site-20') ? 0 : false) },
    projects: { who: 'supervisor', what: 'GET /console/projects (5 projects)', path: () => '/console/projects', check: (b) => (b.includes('Asiakaspalvelu') ? 0 : false) },
    audit: { who: 'officer', what: 'GET /console/audit, the newest page of the indexer\'s audit log', path: () => '/console/audit', check: (b) => (b.length > 2000 ? 0 : false) },
  };

  const skipped: Record<string, string> = {};
  const live = new Map<string, { page: Page; first: Answer; client: number[]; server: number[]; bytes: number; rows: number }>();
  progress('console: first requests and warm-up');
  for (const [name, page] of Object.entries(pages)) {
    const first = await clients[page.who].get(page.path());
    if (first.status !== 200) {
      skipped[name] = `answered ${first.status}${first.status === 404 ? ' (not there yet)' : ''}`;
      continue;
    }
    if (page.check(first.body.toString()) === false) {
      skipped[name] = 'answered 200 without the expected content';
      continue;
    }
    for (let i = 1; i < WARMUP; i++) await clients[page.who].get(page.path());
    live.set(name, { page, first, client: [], server: [], bytes: 0, rows: 0 });
  }
  progress(`console: ${live.size} pages × ${reps}, round by round`);
  for (let r = 0; r < reps; r++) {
    for (const [name, m] of live) {
      const a = await clients[m.page.who].get(m.page.path());
      if (a.status !== 200) throw new Error(`console: ${name} answered ${a.status} on round ${r + 1} after 200 before: ${a.body.toString().slice(0, 200)}`);
      const rows = m.page.check(a.body.toString());
      if (rows === false) throw new Error(`console: ${name} lost its content on round ${r + 1}`);
      m.client.push(a.totalMs);
      if (a.serverMs !== undefined) m.server.push(a.serverMs);
      m.bytes += a.body.length;
      m.rows += rows;
    }
  }
  const requests = Object.values(clients).reduce((s, x) => s + x.requests, 0);
  const reused = Object.values(clients).reduce((s, x) => s + x.reusedRequests, 0);
  for (const x of Object.values(clients)) x.close();

  const results: Record<string, unknown> = {};
  for (const [name, m] of live) {
    const client = percentiles(m.client, 1);
    const server = percentiles(m.server, 1);
    results[name] = {
      what: m.page.what,
      p50Ms: client.p50, p99Ms: client.p99, serverP50Ms: server.p50, serverP99Ms: server.p99,
      client, server,
      firstMs: round(m.first.totalMs, 1),
      meanKB: round(m.bytes / m.client.length / 1000, 1),
      ...(name.startsWith('search') ? { meanRows: round(m.rows / m.client.length, 1) } : {}),
    };
  }
  return {
    calls: await c.index.count(),
    pages: results,
    skipped,
    logins,
    reps,
    requests,
    keepAliveReused: reused,
    target: 'none set: issue 8 asks for the figures (the API search target, p99 ≤ 100 ms, for scale)',
    basis:
      `the real console (buildApi with ConsoleDeps as Indexer.start builds them) over the ${c.built.calls}-call index, 20 sites with a box each, on 127.0.0.1; ` +
      'people logged in over HTTP with password and TOTP; ' +
      `${WARMUP} warm-up requests per page (firstMs: the first, cold), then ${reps} rounds asking every page in turn, node:http over one keep-alive connection per person; ` +
      'client = time to the last byte, server = from the first onRequest hook to onSend (addServerTiming); nearest-rank percentiles; skipped: pages that did not answer 200 with their content',
  };
}
