import t from 'tap';
import { IsdnCalls } from '../../../src/box/signals/isdn-calls.js';
import type { CallEvent } from '../../../src/box/signals/q931.js';

const base = { callRef: 5, message: 'SETUP' as const };

t.test('an outgoing call gets its line when CALL PROCEEDING names the channel; later messages follow it by call key', async (t) => {
  const calls = new IsdnCalls();
  const setup: CallEvent = { ...base, kind: 'setup', callKey: 'out:64:5', direction: 'outgoing', called: '040', presentation: 'unavailable', complete: false };
  t.same(calls.onEvent(setup), [], 'no channel yet: no line to tell');
  t.same(calls.onEvent({ ...base, kind: 'digits', callKey: 'out:64:5', direction: 'outgoing', digits: '1234567', complete: true, message: 'INFORMATION' }), []);
  t.same(calls.onEvent({ ...base, kind: 'proceeding', callKey: 'out:64:5', direction: 'outgoing', channel: 'B2', message: 'CALL PROCEEDING' }), [
    { key: 'B2', input: { type: 'setup', source: 'isdn', direction: 'outgoing', clip: 'unavailable', called: '0401234567' } },
  ]);
  t.same(calls.onEvent({ ...base, kind: 'connect', callKey: 'out:64:5', direction: 'outgoing', message: 'CONNECT' }), [{ key: 'B2', input: { type: 'connect', source: 'isdn' } }]);
  t.same(calls.onEvent({ ...base, kind: 'disconnect', callKey: 'out:64:5', direction: 'outgoing', message: 'DISCONNECT' }), [{ key: 'B2', input: { type: 'disconnect', source: 'isdn' } }]);
  t.same(calls.onEvent({ ...base, kind: 'release', callKey: 'out:64:5', direction: 'outgoing', message: 'RELEASE' }), [], 'the call is forgotten after its first clearing message');
});

t.test('a restricted calling number is withheld and not kept, even when its digits came', async (t) => {
  const calls = new IsdnCalls();
  const out = calls.onEvent({ ...base, kind: 'setup', callKey: 'in:5', direction: 'incoming', calling: '0401234567', called: '0295020000', presentation: 'restricted', channel: 'B1', complete: true });
  t.same(out, [{ key: 'B1', input: { type: 'setup', source: 'isdn', direction: 'incoming', clip: 'withheld', called: '0295020000' } }]);
});

t.test('a call whose channel is never named reaches no line', async (t) => {
  const calls = new IsdnCalls();
  calls.onEvent({ ...base, kind: 'setup', callKey: 'in:9', direction: 'incoming', presentation: 'allowed', calling: '0401234567', complete: true });
  t.same(calls.onEvent({ ...base, kind: 'disconnect', callKey: 'in:9', direction: 'incoming', message: 'DISCONNECT' }), []);
});
