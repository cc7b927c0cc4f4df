// A console user through fastify's inject: a cookie jar, the CSRF token of the last page, and a
// login with the password and (when the account has one) the authenticator's code.
import * as OTPAuth from 'otpauth';
import type { Indexer } from '../../../src/central/indexer.js';

export const PASSWORD = 'a long enough password for tests';
export const code = (secret: string) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate();

/** A login through inject: the cookies it carries, and each answer. */
export function client(indexer: Indexer) {
  const jar = new Map<string, string>();
  const keep = (headers: Record<string, unknown>) => {
    const set = headers['set-cookie'];
    for (const c of (Array.isArray(set) ? set : set ? [set] : []) as string[]) {
      const [pair] = c.split(';');
      const [k, v] = pair!.split('=');
      if (v === '' || /Expires=Thu, 01 Jan 1970/.test(c)) jar.delete(k!);
      else jar.set(k!, v!);
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
  return {
    jar,
    async get(url: string) {
      const r = await indexer.api.inject({ method: 'GET', url, headers: { cookie: cookie() } });
      keep(r.headers);
      return r;
    },
    async post(url: string, form: Record<string, string>) {
      const r = await indexer.api.inject({ method: 'POST', url, headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() });
      keep(r.headers);
      return r;
    },
    csrfOf,
  };
}

export async function loginInject(indexer: Indexer, name: string, secret: string | undefined) {
  const c = client(indexer);
  const page = await c.get('/console/login');
  const first = await c.post('/console/login', { name, password: PASSWORD, _csrf: c.csrfOf(page.body) });
  if (!secret || first.statusCode !== 200) return { c, last: first };
  const last = await c.post('/console/login/code', { code: code(secret), _csrf: c.csrfOf(first.body) });
  return { c, last };
}

