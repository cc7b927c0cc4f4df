// A console user through fastify's inject: a cookie jar, the CSRF token of the last page, and a
// login with the password and (when the account has one) the authenticator's code.
import * as OTPAuth from 'otpauth';
import type { Indexer } from '../../../src/central/indexer.js';

export const PASSWORD = 'a long enough password for tests';
export const code = (secret: string) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate();

/** A person of the console through inject: the cookies it carries, and the CSRF token of the last page. */
export function client(indexer: Pick<Indexer, 'api'>) {
  const jar = new Map<string, string>();
  let csrf = '';
  const keep = <R extends { headers: Record<string, unknown>; body: string }>(r: R): R => {
    const set = r.headers['set-cookie'];
    for (const c of (Array.isArray(set) ? set : set ? [set] : []) as string[]) {
      const [pair] = c.split(';');
      const [k, v] = pair!.split('=');
      if (v === '' || /Expires=Thu, 01 Jan 1970/.test(c)) jar.delete(k!);
      else jar.set(k!, v!);
    }
    csrf = csrfOf(r.body) || csrf;
    return r;
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
  const post = async (url: string, form: Record<string, string>) =>
    keep(await indexer.api.inject({ method: 'POST', url, headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() }));
  return {
    jar,
    csrfOf,
    get: async (url: string) => keep(await indexer.api.inject({ method: 'GET', url, headers: { cookie: cookie() } })),
    /** a form as given: with whatever `_csrf` it holds, or none */
    post,
    /** a form as the last page would send it: with that page's CSRF token */
    submit: (url: string, form: Record<string, string>) => post(url, { ...form, _csrf: csrf }),
  };
}

export type Client = ReturnType<typeof client>;

export async function loginInject(indexer: Pick<Indexer, 'api'>, name: string, secret: string | undefined) {
  const c = client(indexer);
  const page = await c.get('/console/login');
  const first = await c.post('/console/login', { name, password: PASSWORD, _csrf: c.csrfOf(page.body) });
  if (!secret || first.statusCode !== 200) return { c, last: first };
  const last = await c.post('/console/login/code', { code: code(secret), _csrf: c.csrfOf(first.body) });
  return { c, last };
}

/** Logged in with password and code; throws when the login did not end in a session. */
export async function login(indexer: Pick<Indexer, 'api'>, who: { name: string; secret: string }): Promise<Client> {
  const { c, last } = await loginInject(indexer, who.name, who.secret);
  if (last.statusCode !== 303) throw new Error(`login of ${who.name} ended in ${last.statusCode}: ${last.body.slice(0, 300)}`);
  return c;
}
