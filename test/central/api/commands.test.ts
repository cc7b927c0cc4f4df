// POST /api/boxes/:site/:box/commands/:verb: the box's reply mapped to a status (ok 200,
// refused 409, no answer 504), `by` from the token only, site and role checked, each audited.
import t from 'tap';
import { COMMAND_TIMEOUT_CODE } from '../../../src/central/api/server.js';
import { fixture, IDS, timeoutError } from './fixture.js';

const HOLD = '/api/boxes/lappeenranta/lpr-1/commands/hold';
const holdArgs = { id: IDS.lpr1, reason: 'complaint', caseRef: 'VAL-2026-17', months: 6 };

t.test('the timeout code is a named constant', async (t) => {
  t.equal(COMMAND_TIMEOUT_CODE, 'TAL_COMMAND_TIMEOUT');
});

t.test('ok: 200 with the reply; sent with by = the token holder; audited with purpose and case', async (t) => {
  const f = fixture();
  const r = await f.req('POST', HOLD, 'supervisor', { args: holdArgs });
  t.equal(r.status, 200);
  t.same(r.json, { correlationId: 'c-1', ok: true, verb: 'hold', result: { done: true } });
  t.same(f.sent, [{ site: 'lappeenranta', box: 'lpr-1', verb: 'hold', args: { ...holdArgs, by: 'saara.supervisor' } }]);
  t.same(f.audit, [{
    actor: 'saara.supervisor', action: 'command', target: 'lappeenranta/lpr-1', purpose: 'complaint', caseRef: 'VAL-2026-17', result: 'ok',
    detail: { verb: 'hold', site: 'lappeenranta', box: 'lpr-1', id: IDS.lpr1, months: 6, outcome: 'done' },
  }]);
});

t.test('the box refuses: 409 with its reason, and its reply', async (t) => {
  const f = fixture();
  f.answer = async () => ({ correlationId: 'c-2', ok: false, verb: 'hold', reason: 'beyond-max', detail: 'a hold cannot keep audio past 12 months from call start' });
  const r = await f.req('POST', HOLD, 'privacy', { args: { ...holdArgs, months: 13 } });
  t.equal(r.status, 409);
  t.equal(r.json.error.code, 'box-refused');
  t.equal(r.json.error.message, 'box lpr-1 refused hold: beyond-max: a hold cannot keep audio past 12 months from call start');
  t.match(r.json.reply, { ok: false, reason: 'beyond-max' });
  t.match(f.audit[0], { action: 'command', result: 'refused', detail: { verb: 'hold', outcome: 'box-refused', boxReason: 'beyond-max' } });
});

t.test('no answer in time: 504, audited as error', async (t) => {
  const f = fixture({ commandTimeoutMs: 1234 });
  f.answer = async () => {
    throw timeoutError();
  };
  const r = await f.req('POST', '/api/boxes/kotka/ktk-1/commands/led-test', 'admin');
  t.equal(r.status, 504);
  t.equal(r.json.error.code, 'box-timeout');
  t.match(r.json.error.message, /ktk-1 at site kotka did not answer led-test in time/);
  t.equal(f.sent[0]!.timeoutMs, 1234, 'the configured timeout is passed on');
  t.match(f.audit[0], { action: 'command', result: 'error', detail: { verb: 'led-test', outcome: 'timeout' } });
});

t.test('the sender fails otherwise (broker down): 502, logged, audited', async (t) => {
  const f = fixture();
  f.answer = async () => {
    throw new Error('not connected to the broker');
  };
  const r = await f.req('POST', '/api/boxes/kotka/ktk-1/commands/resync', 'admin', { args: { from: 3 } });
  t.equal(r.status, 502);
  t.equal(r.json.error.code, 'command-failed');
  t.ok(f.lines.some((l) => l['msg'] === 'command could not be sent'));
  t.match(f.audit[0], { result: 'error', detail: { outcome: 'send-failed' } });
});

t.test('a command without a body (led-test) sends no args', async (t) => {
  const f = fixture();
  const r = await f.app.inject({ method: 'POST', url: '/api/boxes/kotka/ktk-1/commands/led-test', headers: { authorization: `Bearer ${f.tokens.admin}` } });
  t.equal(r.statusCode, 200);
  t.same(f.sent[0]!.args, {});
});

t.test('by goes only to the verbs that take it (the box refuses an argument a verb does not take)', async (t) => {
  const f = fixture();
  const cases: [string, 'supervisor' | 'privacy' | 'admin', Record<string, unknown>, boolean][] = [
    ['hold', 'privacy', holdArgs, true],
    ['release', 'privacy', { id: IDS.lpr1 }, true],
    ['delete', 'privacy', { id: IDS.lpr1, reason: 'the caller asked, request AR-3' }, true],
    ['stop-recording', 'supervisor', { line: 'l1' }, true],
    ['set-retention', 'admin', { months: 2 }, true],
    ['resync', 'admin', { from: 3 }, false],
    ['led-test', 'admin', { seconds: 5 }, false],
  ];
  for (const [verb, who, args, takesBy] of cases) {
    f.sent.length = 0;
    t.equal((await f.req('POST', `/api/boxes/lappeenranta/lpr-1/commands/${verb}`, who, { args })).status, 200, verb);
    t.same(f.sent[0]!.args, takesBy ? { ...args, by: who === 'privacy' ? 'pia.privacy' : who === 'admin' ? 'aki.admin' : 'saara.supervisor' } : args, verb);
  }
  const del = f.audit.find((e) => e.detail?.['verb'] === 'delete');
  t.notOk(del && 'purpose' in del, "a deletion's free-text reason is not taken for a purpose");
  t.notMatch(JSON.stringify(f.audit), /the caller asked/, 'nor written anywhere in the audit');
});

t.test('who sent it cannot be given in the body', async (t) => {
  const f = fixture();
  const top = await f.req('POST', HOLD, 'supervisor', { args: holdArgs, by: 'someone.else' });
  t.equal(top.status, 400);
  t.equal(top.json.error.field, 'by');
  const inArgs = await f.req('POST', HOLD, 'supervisor', { args: { ...holdArgs, by: 'someone.else' } });
  t.equal(inArgs.status, 400);
  t.equal(inArgs.json.error.field, 'args.by');
  t.match(inArgs.json.error.message, /set from the token/);
  t.equal(f.sent.length, 0);
  t.ok(f.audit.every((e) => e.action === 'rejected-input' && e.actor === 'saara.supervisor'));
});

t.test('a supervisor commands only the boxes of their sites', async (t) => {
  const f = fixture();
  const r = await f.req('POST', '/api/boxes/kotka/ktk-1/commands/stop-recording', 'supervisor', { args: { line: 'l1' } });
  t.equal(r.status, 403);
  t.match(r.json.error.message, /site kotka is not among the sites of saara.supervisor/);
  t.equal(f.sent.length, 0);
  t.match(f.audit[0], { action: 'command', target: 'kotka/ktk-1', result: 'refused', detail: { verb: 'stop-recording', line: 'l1', reason: 'other-site' } });
  t.equal((await f.req('POST', '/api/boxes/kotka/ktk-1/commands/stop-recording', 'supervisorAll', { args: { line: 'l1' } })).status, 200);
  t.equal((await f.req('POST', '/api/boxes/lappeenranta/lpr-1/commands/stop-recording', 'supervisor', { args: { line: 'l1' } })).status, 200);
});

t.test('a box the indexer has never heard of: 404, nothing sent', async (t) => {
  const f = fixture();
  const r = await f.req('POST', '/api/boxes/lappeenranta/lpr-9/commands/hold', 'privacy', { args: holdArgs });
  t.equal(r.status, 404);
  t.equal(r.json.error.code, 'unknown-box');
  t.equal(f.sent.length, 0);
  t.match(f.audit[0], { action: 'command', result: 'error', detail: { outcome: 'unknown-box' } });
});

t.test('bad requests are 400 naming what is wrong; nothing is sent', async (t) => {
  const f = fixture();
  const cases: [string, string, unknown, string | undefined, number][] = [
    ['unknown verb', '/api/boxes/lappeenranta/lpr-1/commands/format-disk', { args: {} }, 'verb', 400],
    ['bad site', '/api/boxes/Lappeenranta/lpr-1/commands/hold', { args: {} }, 'site', 400],
    ['bad box', '/api/boxes/lappeenranta/lpr_1/commands/hold', { args: {} }, 'box', 400],
    ['not JSON', HOLD, '{"args": {', undefined, 400],
    ['empty JSON body', HOLD, '', undefined, 400],
    ['unknown body field', HOLD, { args: {}, urgent: true }, 'urgent', 400],
    ['nested arg', HOLD, { args: { id: { deep: 1 } } }, 'args.id', 400],
    ['null arg', HOLD, { args: { id: null } }, 'args.id', 400],
    ['args not an object', HOLD, { args: 'hold it' }, 'args', 400],
    ['arg too long', HOLD, { args: { caseRef: 'x'.repeat(513) } }, 'args.caseRef', 400],
    ['odd arg name', HOLD, { args: { 'case ref': 'x' } }, 'args', 400],
    ['too many args', HOLD, { args: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`a${i}`, i])) }, 'args', 400],
    ['a body over 16 KiB', HOLD, { args: { a: 'x'.repeat(200) }, pad: 'y'.repeat(17_000) }, undefined, 413],
  ];
  for (const [name, u, body, field, status] of cases) {
    const r = await f.req('POST', u, 'privacy', body);
    t.equal(r.status, status, name);
    t.equal(r.json.error.field, field, `${name}: ${r.json.error.message}`);
    if (field) t.match(r.json.error.message, `"${field}"`, name);
  }
  const plain = await f.app.inject({ method: 'POST', url: HOLD, headers: { authorization: `Bearer ${f.tokens.privacy}`, 'content-type': 'text/plain' }, payload: 'hold' });
  t.equal(plain.statusCode, 415);
  t.equal(f.sent.length, 0);
  t.equal(f.audit.length, cases.length + 1, 'every rejection audited');
});

t.test('an unauthenticated body is never read', async (t) => {
  const f = fixture();
  const r = await f.req('POST', HOLD, null, '{"args": {');
  t.equal(r.status, 401);
});
