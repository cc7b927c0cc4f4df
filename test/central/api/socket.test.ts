// The API over a real listening socket, spoken to with Node's fetch: what a console will do.
import t from 'tap';
import type { AddressInfo } from 'node:net';
import { fixture, IDS, NUMBERS } from './fixture.js';

t.test('search, detail, a command and health over HTTP', async (t) => {
  const f = fixture();
  await f.app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(() => f.app.close());
  const { port } = f.app.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const auth = (who: keyof typeof f.tokens) => ({ authorization: `Bearer ${f.tokens[who]}` });

  const health = await fetch(`${base}/healthz`);
  t.equal(health.status, 200);
  t.same(await health.json(), { ok: true });

  const anon = await fetch(`${base}/api/calls`);
  t.equal(anon.status, 401);
  t.match(anon.headers.get('content-type'), /^application\/json/);
  t.equal(((await anon.json()) as { error: { code: string } }).error.code, 'unauthenticated');

  const search = await fetch(`${base}/api/calls?${new URLSearchParams({ number: NUMBERS.anna })}`, { headers: auth('supervisor') });
  t.equal(search.status, 200);
  t.equal(search.headers.get('cache-control'), 'no-store', 'answers that may hold numbers are not cached');
  const page = (await search.json()) as { calls: { id: string }[] };
  t.same(page.calls.map((c) => c.id), [IDS.lpr1], 'URLSearchParams encodes the + and the search finds the call');

  const detail = await fetch(`${base}/api/calls/${IDS.lpr1}?purpose=complaint&caseRef=VAL-1`, { headers: auth('supervisor') });
  t.equal(detail.status, 200);
  t.match(await detail.json(), { call: { id: IDS.lpr1 }, numbers: { calling: NUMBERS.anna } });

  const hold = await fetch(`${base}/api/boxes/lappeenranta/lpr-1/commands/hold`, {
    method: 'POST',
    headers: { ...auth('supervisor'), 'content-type': 'application/json' },
    body: JSON.stringify({ args: { id: IDS.lpr1, reason: 'complaint', caseRef: 'VAL-1' } }),
  });
  t.equal(hold.status, 200);
  t.match(await hold.json(), { ok: true, verb: 'hold' });
  t.equal(f.sent[0]!.args['by'], 'saara.supervisor');

  const bad = await fetch(`${base}/api/boxes/lappeenranta/lpr-1/commands/hold`, {
    method: 'POST',
    headers: { ...auth('supervisor'), 'content-type': 'application/json' },
    body: '{"args": ',
  });
  t.equal(bad.status, 400);
  t.equal(((await bad.json()) as { error: { code: string } }).error.code, 'invalid-json');

  t.same(f.audit.map((e) => [e.action, e.result]), [
    ['login-failed', 'refused'], ['search', 'ok'], ['view-call', 'ok'], ['command', 'ok'], ['rejected-input', 'refused'],
  ]);
});
