// Q.931 messages written out by hand, octet by octet (ETSI EN 300 403-1 codings), and what the
// decoder must read from them. The encoders are tested against the same octets.
import t from 'tap';
import {
  decodeBearerCapability,
  decodeCalledNumber,
  decodeCallingNumber,
  decodeCause,
  decodeChannelId,
  decodeDisplay,
  decodeProgress,
  decodeQ931,
  encodeBearerCapability,
  encodeCalledNumber,
  encodeCallingNumber,
  encodeCause,
  encodeChannelId,
  encodeIe,
  encodeQ931,
  q931Events,
  IE,
  type Q931Message,
} from '../../../src/box/signals/q931.js';

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/).filter(Boolean), (b) => parseInt(b, 16));

function msg(s: string): Q931Message {
  const r = decodeQ931(hex(s));
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.detail}`);
  return r.message;
}

// SETUP, BRI, from the network: call reference 1 octet, value 5, flag 0
//   04 03 80 90 a3        bearer: speech, circuit 64 kbit/s, layer 1 G.711 A-law
//   18 01 89              channel: BRI, exclusive, B1
//   6c 0c 21 81 + 10      calling: national, ISDN plan, presentation allowed, user verified, 0401234567
//   70 05 c1 31 32 33 34  called: subscriber, ISDN plan, 1234
//   a1                    sending complete
const SETUP_BRI = '08 01 05 05 04 03 80 90 a3 18 01 89 6c 0c 21 81 30 34 30 31 32 33 34 35 36 37 70 05 c1 31 32 33 34 a1';

t.test('SETUP on a BRI: header and every IE', async (t) => {
  const m = msg(SETUP_BRI);
  t.same(m.callRef, { length: 1, flag: 0, value: 5 });
  t.equal(m.type, 0x05);
  t.equal(m.name, 'SETUP');
  t.same(m.bearer, { codingStandard: 'itu-t', capability: 'speech', transferMode: 'circuit', rate: '64k', layer1: 'g711-alaw' });
  t.same(m.channel, { interfaceType: 'basic', exclusive: true, dChannel: false, selection: 'B1' });
  t.same(m.callingNumbers, [{ digits: '0401234567', typeOfNumber: 'national', numberingPlan: 'isdn', presentation: 'allowed', screening: 'user-verified-passed' }]);
  t.same(m.called, { digits: '1234', typeOfNumber: 'subscriber', numberingPlan: 'isdn', presentation: 'allowed' });
  t.equal(m.sendingComplete, true);
  t.same(m.problems, []);
  t.same(
    m.ies.map((ie) => [ie.codeset, ie.id, ie.offset, ie.contents.length, ie.single]),
    [
      [0, 0x04, 4, 3, false],
      [0, 0x18, 9, 1, false],
      [0, 0x6c, 12, 12, false],
      [0, 0x70, 26, 5, false],
      [0, 0xa1, 33, 0, true],
    ],
    'IE list with offsets',
  );
});

t.test('call reference forms', async (t) => {
  t.same(msg('08 02 80 07 07').callRef, { length: 2, flag: 1, value: 7 }, 'PRI, 2 octets, flag 1');
  t.same(msg('08 02 7f ff 45').callRef, { length: 2, flag: 0, value: 0x7fff }, 'PRI, largest value');
  t.same(msg('08 01 85 07').callRef, { length: 1, flag: 1, value: 5 }, 'BRI, flag 1');
  t.same(msg('08 00 7b').callRef, { length: 0, flag: 0, value: 0 }, 'dummy call reference');
  t.same(msg('08 01 00 46').callRef, { length: 1, flag: 0, value: 0 }, 'global call reference (RESTART)');
});

t.test('message types the brief names', async (t) => {
  const types: [number, string][] = [
    [0x05, 'SETUP'],
    [0x01, 'ALERTING'],
    [0x02, 'CALL PROCEEDING'],
    [0x07, 'CONNECT'],
    [0x0f, 'CONNECT ACKNOWLEDGE'],
    [0x45, 'DISCONNECT'],
    [0x4d, 'RELEASE'],
    [0x5a, 'RELEASE COMPLETE'],
    [0x7b, 'INFORMATION'],
    [0x0d, 'SETUP ACKNOWLEDGE'],
  ];
  for (const [type, name] of types) t.equal(msg(`08 01 05 ${type.toString(16).padStart(2, '0')}`).name, name, name);
  const unknown = msg('08 01 05 7f');
  t.equal(unknown.name, undefined, 'a type the table does not know decodes, unnamed');
  const national = msg('08 01 05 00 05 6c 03 81 31 32');
  t.same([national.national, national.type, national.name, national.ies, national.callingNumbers], [true, 0x00, undefined, [], []], 'national escape: nothing after it is read as Q.931');
  t.same(national.nationalBody, hex('05 6c 03 81 31 32'), 'the rest is kept raw');
  t.same(msg('08 01 05 00').nationalBody, new Uint8Array(0), 'an escape with nothing after it');
});

t.test('messages the decoder refuses', async (t) => {
  const cases: [string, string, string][] = [
    ['empty', '', 'Q931_TOO_SHORT'],
    ['two octets', '08 01', 'Q931_TOO_SHORT'],
    ['ends inside the call reference', '08 02 05', 'Q931_TOO_SHORT'],
    ['no message type', '08 01 05', 'Q931_TOO_SHORT'],
    ['protocol discriminator 0x09 (Q.2931)', '09 01 05 05', 'Q931_NOT_Q931'],
    ['protocol discriminator 0x40 (national)', '40 01 05 05', 'Q931_NOT_Q931'],
    ['call reference length with spare bits', '08 11 05 05', 'Q931_BAD_CALL_REF'],
    ['call reference of 3 octets', '08 03 00 00 05 05', 'Q931_BAD_CALL_REF'],
    ['message type with bit 8 set', '08 01 05 85', 'Q931_BAD_MESSAGE_TYPE'],
    ['IE length past the end', '08 01 05 05 6c 0c 21 81 30 34', 'Q931_IE_TRUNCATED'],
    ['IE identifier with no length octet', '08 01 05 05 04 03 80 90 a3 18', 'Q931_IE_TRUNCATED'],
  ];
  for (const [name, s, code] of cases) {
    const r = decodeQ931(hex(s));
    t.equal(r.ok ? 'ok' : r.error.code, code, name);
  }
});

t.test('single-octet IEs and codeset shifts are walked correctly', async (t) => {
  // a1 sending complete; b0 congestion level; d1 repeat indicator; then
  // 96 locking shift to codeset 6; 28 02 41 42 is a codeset-6 IE that must not read as display;
  // 95 locking shift to codeset 5; 9e non-locking shift to 6 for one IE (6c 02 41 42 in cs 6);
  // 6c 03 81 35 36 is back in codeset 5 (locked), so not a calling number either.
  const m = msg('08 01 05 05 a1 b0 d1 96 28 02 41 42 95 9e 6c 02 41 42 6c 03 81 35 36');
  t.equal(m.display, undefined, 'codeset-6 0x28 is not a display');
  t.same(m.callingNumbers, [], 'codeset-5/6 0x6c is not a calling number');
  t.equal(m.sendingComplete, true);
  t.same(
    m.ies.map((ie) => [ie.codeset, ie.id, ie.single]),
    [
      [0, 0xa1, true],
      [0, 0xb0, true],
      [0, 0xd1, true],
      [6, 0x28, false],
      [6, 0x6c, false],
      [5, 0x6c, false],
    ],
  );

  // Non-locking shift from codeset 0: only the next IE is in codeset 5; the one after is 0 again.
  const n = msg('08 01 05 05 9d 28 02 41 42 28 03 48 69 21');
  t.same(
    n.ies.map((ie) => ie.codeset),
    [5, 0],
  );
  t.equal(n.display, 'Hi!', 'the display after the shifted IE is codeset 0');

  // A non-locking shift applies to a single-octet IE too, then lapses.
  const o = msg('08 01 05 05 9d a1 28 01 41');
  t.same(o.ies.map((ie) => [ie.codeset, ie.id]), [[5, 0xa1], [0, 0x28]]);
  t.equal(o.sendingComplete, false, 'a1 in codeset 5 is not sending complete');
  t.equal(o.display, 'A');
});

t.test('a segmented message IE ends the IE walk: the rest is a segment of another message', async (t) => {
  // SEGMENT (0x60): segmented message IE 00 02 (first segment, 1 remaining, type SETUP), then
  // a piece of a SETUP that happens to hold a calling number IE: it must not be read as one.
  const m = msg('08 01 05 60 00 02 81 05 6c 04 21 83 31 32');
  t.equal(m.name, 'SEGMENT');
  t.same(m.callingNumbers, []);
  t.same(m.segment, hex('6c 04 21 83 31 32'));
  t.same(m.ies.map((ie) => ie.id), [0x00]);
});

t.test('unknown IEs are skipped by their length, known ones after them still read', async (t) => {
  // 1c 05 ... facility (not decoded), 7e 03 ... user-user, 3f 00 unknown empty IE
  const m = msg('08 01 05 05 1c 05 91 a1 02 01 00 7e 03 04 41 42 3f 00 70 03 81 39 39');
  t.equal(m.called?.digits, '99');
  t.same(m.ies.map((ie) => ie.id), [0x1c, 0x7e, 0x3f, 0x70]);
  t.same(m.problems, []);
});

t.test('calling party number: presentation, screening, type of number', async (t) => {
  const cases: [string, string, object][] = [
    ['international, allowed, network provided', '11 83 33 35 38 39 31 32', { digits: '358912', typeOfNumber: 'international', numberingPlan: 'isdn', presentation: 'allowed', screening: 'network' }],
    ['national, restricted, digits present', '21 a3 30 39 31 32', { digits: '0912', typeOfNumber: 'national', numberingPlan: 'isdn', presentation: 'restricted', screening: 'network' }],
    ['restricted, no digits', '21 a3', { digits: '', typeOfNumber: 'national', numberingPlan: 'isdn', presentation: 'restricted', screening: 'network' }],
    ['not available due to interworking', '01 c3', { digits: '', typeOfNumber: 'unknown', numberingPlan: 'isdn', presentation: 'unavailable', screening: 'network' }],
    ['octet 3a omitted: presentation allowed assumed', 'a1 31 32', { digits: '12', typeOfNumber: 'national', numberingPlan: 'isdn', presentation: 'allowed' }],
    ['subscriber, unknown plan, * and #', '40 80 2a 33 31 23', { digits: '*31#', typeOfNumber: 'subscriber', numberingPlan: 'unknown', presentation: 'allowed', screening: 'user-not-screened' }],
    ['private plan, abbreviated', 'e9 31', { digits: '1', typeOfNumber: 'abbreviated', numberingPlan: 'private', presentation: 'allowed' }],
  ];
  for (const [name, s, want] of cases) {
    const r = decodeCallingNumber(hex(s));
    t.same(r.ok ? r.value : r.detail, want, name);
  }
  const refused: [string, string][] = [
    ['empty', ''],
    ['octet 3a missing', '21'],
    ['octet 3a not ending its group', '21 01 31'],
    ['reserved presentation indicator 11', '21 e3 31'],
    ['a letter among the digits', '21 83 31 41 32'],
    ['bit 8 set on a digit', '21 83 b1'],
  ];
  for (const [name, s] of refused) t.notOk(decodeCallingNumber(s === '' ? new Uint8Array(0) : hex(s)).ok, `refused: ${name}`);
});

t.test('called party number', async (t) => {
  t.same(decodeCalledNumber(hex('a1 30 39 31 32')), { ok: true, value: { digits: '0912', typeOfNumber: 'national', numberingPlan: 'isdn', presentation: 'allowed' } });
  t.same(decodeCalledNumber(hex('80')), { ok: true, value: { digits: '', typeOfNumber: 'unknown', numberingPlan: 'unknown', presentation: 'allowed' } }, 'empty digits (overlap sending starts)');
  t.notOk(decodeCalledNumber(hex('21 31')).ok, 'octet 3 not ending its group');
  t.notOk(decodeCalledNumber(hex('a1 3a')).ok, 'a colon is not a digit');
});

t.test('channel identification: BRI B1/B2/any, PRI slot numbers', async (t) => {
  const ok = (s: string) => {
    const r = decodeChannelId(hex(s));
    return r.ok ? r.value : r.detail;
  };
  t.same(ok('89'), { interfaceType: 'basic', exclusive: true, dChannel: false, selection: 'B1' }, 'BRI B1 exclusive');
  t.same(ok('82'), { interfaceType: 'basic', exclusive: false, dChannel: false, selection: 'B2' }, 'BRI B2 preferred');
  t.same(ok('83'), { interfaceType: 'basic', exclusive: false, dChannel: false, selection: 'any' }, 'BRI any channel');
  t.same(ok('80'), { interfaceType: 'basic', exclusive: false, dChannel: false, selection: 'none' }, 'no channel');
  // a9 = PRI, exclusive, "as indicated"; 83 = ITU-T, channel number, B-channel units; 8c = slot 12
  t.same(ok('a9 83 8c'), { interfaceType: 'primary', exclusive: true, dChannel: false, selection: 'indicated', codingStandard: 'itu-t', channels: [12] }, 'PRI slot 12');
  t.same(ok('a1 83 9f'), { interfaceType: 'primary', exclusive: false, dChannel: false, selection: 'indicated', codingStandard: 'itu-t', channels: [31] }, 'PRI slot 31 preferred');
  t.same(ok('a9 83 01 02 83'), { interfaceType: 'primary', exclusive: true, dChannel: false, selection: 'indicated', codingStandard: 'itu-t', channels: [1, 2, 3] }, 'PRI several slots');
  // e9 = interface id present; 81 = interface 1
  t.same(ok('e9 81 83 85'), { interfaceType: 'primary', exclusive: true, dChannel: false, interfaceId: 1, selection: 'indicated', codingStandard: 'itu-t', channels: [5] }, 'PRI with explicit interface');
  t.same(ok('a3'), { interfaceType: 'primary', exclusive: false, dChannel: false, selection: 'any' }, 'PRI any channel');
  t.match(ok('a9 93 ff ff 7f'), { selection: 'indicated', slotMap: hex('ff ff 7f') }, 'PRI slot map kept raw');
  t.match(ok('a9 c3 85'), { codingStandard: 'national' }, 'national coding: numbers not interpreted');
  t.equal((decodeChannelId(hex('a9 c3 85')) as { value: { channels?: number[] } }).value.channels, undefined);
  for (const [name, s] of [
    ['empty', ''],
    ['octet 3 not ending its group', '09'],
    ['PRI reserved selection 10', 'aa'],
    ['PRI indicated without octet 3.2', 'a9'],
    ['PRI indicated without octet 3.3', 'a9 83'],
    ['PRI channel list never ends', 'a9 83 05'],
    ['PRI slot 0', 'a9 83 80'],
    ['PRI slot 32', 'a9 83 a0'],
    ['BRI with extra octets', '89 83 85'],
    ['interface id never ends', 'e9 01'],
  ]) {
    t.notOk(decodeChannelId(s === '' ? new Uint8Array(0) : hex(s!)).ok, `refused: ${name}`);
  }
});

t.test('cause: location, value, recommendation, diagnostics', async (t) => {
  const c = (s: string) => {
    const r = decodeCause(hex(s));
    return r.ok ? r.value : r.detail;
  };
  t.same(c('80 90'), { codingStandard: 'itu-t', location: 'user', value: 16, name: 'normal call clearing', diagnostics: new Uint8Array(0) }, '16 normal clearing from the user');
  t.same(c('82 91'), { codingStandard: 'itu-t', location: 'public-local', value: 17, name: 'user busy', diagnostics: new Uint8Array(0) }, '17 user busy, local public network');
  t.same(c('84 9f'), { codingStandard: 'itu-t', location: 'public-remote', value: 31, name: 'normal, unspecified', diagnostics: new Uint8Array(0) }, '31');
  t.same(c('02 80 a2 12'), { codingStandard: 'itu-t', location: 'public-local', recommendation: 0, value: 34, name: 'no circuit/channel available', diagnostics: hex('12') }, 'octet 3a and a diagnostic');
  t.same(c('e2 90'), { codingStandard: 'network-specific', location: 'public-local', value: 16, diagnostics: new Uint8Array(0) }, 'network-specific coding: no Q.850 name');
  t.match(c('8b 90'), { location: 'reserved' });
  for (const [name, s] of [
    ['one octet', '80'],
    ['octet 4 not ending its group', '80 10'],
    ['3a present but no octet 4', '02 80'],
  ]) t.notOk(decodeCause(hex(s!)).ok, `refused: ${name}`);
});

t.test('bearer capability, progress, display', async (t) => {
  t.same(decodeBearerCapability(hex('88 90')), { ok: true, value: { codingStandard: 'itu-t', capability: 'unrestricted-digital', transferMode: 'circuit', rate: '64k' } });
  t.same(decodeBearerCapability(hex('90 90 a2')), { ok: true, value: { codingStandard: 'itu-t', capability: '3.1khz-audio', transferMode: 'circuit', rate: '64k', layer1: 'g711-ulaw' } });
  t.same(decodeBearerCapability(hex('88 98 21 8f')), { ok: false, detail: 'bearer capability: octet 4.1 must end its group' }, 'multirate: 4.1 must end its group');
  t.notOk(decodeBearerCapability(hex('88 10 a3')).ok, 'octet 4 not ending its group (no 4a/4b in DSS1)');
  t.same(decodeBearerCapability(hex('c0 90 a3')), { ok: true, value: { codingStandard: 'national' } }, 'national coding: not interpreted');
  t.match(decodeBearerCapability(hex('88 98 86')), { ok: true, value: { rate: 'multirate', multiplier: 6 } });
  t.match(decodeBearerCapability(hex('88 90 21 00 80')), { ok: true, value: { layer1: 'v110' } }, 'layer-1 octets 5a, 5b skipped');
  t.notOk(decodeBearerCapability(hex('80')).ok, 'one octet');
  t.notOk(decodeBearerCapability(hex('80 90 a3 a3')).ok, 'two layer-1 octets');
  t.notOk(decodeBearerCapability(hex('80 90 21')).ok, 'layer-1 group never ends');
  t.same(decodeProgress(hex('82 88')), { ok: true, value: { codingStandard: 'itu-t', location: 'public-local', description: 8 } }, 'in-band information available');
  t.notOk(decodeProgress(hex('82')).ok);
  t.same(decodeDisplay(hex('4a 6f 6e 69')), { ok: true, value: 'Joni' });
  t.notOk(decodeDisplay(hex('b1 4a 6f')).ok, 'a leading octet with bit 8 set is refused, not skipped');
  t.notOk(decodeDisplay(hex('4a 0a')).ok, 'control character');
});

t.test('an IE with bad contents is dropped and listed; the rest of the message stands', async (t) => {
  // calling number with a letter; called number fine; cause with octet 4 not ending its group
  const m = msg('08 01 85 45 08 02 80 10 6c 04 21 83 31 41 70 02 81 35');
  t.same(m.callingNumbers, []);
  t.same(m.causes, []);
  t.equal(m.called?.digits, '5');
  t.same(
    m.problems.map((p) => [p.code, p.ie, p.offset]),
    [
      ['Q931_IE_INVALID', 0x08, 4],
      ['Q931_IE_INVALID', 0x6c, 8],
    ],
  );
});

t.test('encoders write the octets written by hand above', async (t) => {
  t.same(encodeBearerCapability({ capability: 'speech', rate: '64k', layer1: 'g711-alaw' }), hex('80 90 a3'));
  t.same(encodeChannelId({ interfaceType: 'basic', exclusive: true, selection: 'B1' }), hex('89'));
  t.same(encodeChannelId({ interfaceType: 'primary', exclusive: true, channels: [12] }), hex('a9 83 8c'));
  t.same(encodeChannelId({ interfaceType: 'primary', exclusive: true, interfaceId: 1, channels: [5] }), hex('e9 81 83 85'));
  t.same(encodeCallingNumber({ digits: '0401234567', typeOfNumber: 'national', numberingPlan: 'isdn', presentation: 'allowed', screening: 'user-verified-passed' }), hex('21 81 30 34 30 31 32 33 34 35 36 37'));
  t.same(encodeCallingNumber({ digits: '12', typeOfNumber: 'national' }), hex('a1 31 32'));
  t.same(encodeCalledNumber({ digits: '1234', typeOfNumber: 'subscriber' }), hex('c1 31 32 33 34'));
  t.same(encodeCause({ value: 17, location: 'public-local' }), hex('82 91'));
  t.same(encodeCause({ value: 34, location: 'public-local', recommendation: 0, diagnostics: hex('12') }), hex('02 80 a2 12'));
  const setup = encodeQ931({ length: 1, flag: 0, value: 5 }, 0x05, [
    encodeIe(IE.BEARER_CAPABILITY, encodeBearerCapability({ layer1: 'g711-alaw' })),
    encodeIe(IE.CHANNEL_ID, encodeChannelId({ interfaceType: 'basic', exclusive: true, selection: 'B1' })),
    encodeIe(IE.CALLING_NUMBER, encodeCallingNumber({ digits: '0401234567', typeOfNumber: 'national', presentation: 'allowed', screening: 'user-verified-passed' })),
    encodeIe(IE.CALLED_NUMBER, encodeCalledNumber({ digits: '1234', typeOfNumber: 'subscriber' })),
    0xa1,
  ]);
  t.same(setup, hex(SETUP_BRI), 'the whole SETUP');
  t.same(encodeQ931({ length: 2, flag: 1, value: 0x1234 }, 0x45), hex('08 02 92 34 45'), 'PRI call reference with flag');
});

t.test('call events', async (t) => {
  const ev = (direction: 'to-network' | 'from-network', s: string, tei = 0) => q931Events({ direction, lapd: { tei }, q931: msg(s), at: '12:00:00' });

  t.same(
    ev('from-network', SETUP_BRI),
    [
      {
        callRef: 5,
        callKey: 'in:5',
        direction: 'incoming',
        message: 'SETUP',
        at: '12:00:00',
        kind: 'setup',
        presentation: 'allowed',
        complete: true,
        calling: '0401234567',
        called: '1234',
        channel: 'B1',
      },
    ],
    'SETUP from the network: an incoming call',
  );

  // Outgoing: the terminal (TEI 64) sends SETUP with flag 0; the network answers with flag 1.
  const out = ev('to-network', '08 01 03 05 04 02 80 90 18 01 83 70 04 81 31 31 32', 64);
  t.match(out, [{ kind: 'setup', direction: 'outgoing', callKey: 'out:64:3', called: '112', presentation: 'unavailable', complete: false }]);
  t.notOk('channel' in out[0]!, 'any channel: none named');
  t.notOk('calling' in out[0]!, 'no calling number IE');
  t.match(ev('from-network', '08 01 83 02 18 01 8a', 64), [{ kind: 'proceeding', direction: 'outgoing', callKey: 'out:64:3', channel: 'B2' }], 'CALL PROCEEDING names the channel');
  t.match(ev('from-network', '08 01 83 7b 70 02 81 32', 64), [{ kind: 'digits', digits: '2', complete: false, direction: 'outgoing' }], 'INFORMATION from the network (overlap receiving)');
  t.match(ev('to-network', '08 01 03 7b 70 02 81 32 a1', 64), [{ kind: 'digits', digits: '2', complete: true, direction: 'outgoing' }], 'overlap digits in a called number IE');
  t.match(ev('to-network', '08 01 03 7b 2c 02 33 34', 64), [{ kind: 'digits', digits: '34', complete: false }], 'overlap digits in a keypad IE');
  t.same(ev('to-network', '08 01 03 7b', 64), [], 'INFORMATION with nothing in it');
  t.match(ev('from-network', '08 01 83 01 1e 02 82 88', 64), [{ kind: 'alerting', direction: 'outgoing' }]);
  t.match(ev('from-network', '08 01 83 07', 64), [{ kind: 'connect', direction: 'outgoing', message: 'CONNECT' }]);
  t.same(ev('to-network', '08 01 03 0f', 64), [], 'CONNECT ACKNOWLEDGE: no event');

  // Incoming call's answer and clearing, seen from both sides.
  t.match(ev('to-network', '08 01 85 07 18 01 89 4c 04 01 81 31 32'), [{ kind: 'connect', callKey: 'in:5', direction: 'incoming', channel: 'B1', connected: '12' }]);
  t.match(ev('from-network', '08 01 05 45 08 02 82 91'), [{ kind: 'disconnect', callKey: 'in:5', cause: { value: 17, location: 'public-local', name: 'user busy' } }]);
  t.match(ev('to-network', '08 01 85 4d 08 02 80 90'), [{ kind: 'release', callKey: 'in:5', message: 'RELEASE', cause: { value: 16 } }]);
  const rc = ev('from-network', '08 01 05 5a');
  t.match(rc, [{ kind: 'release', callKey: 'in:5', message: 'RELEASE COMPLETE' }]);
  t.notOk('cause' in rc[0]!, 'no cause IE, no cause');

  // PRI: channel by slot number; presentation restricted.
  t.match(ev('from-network', '08 02 00 2a 05 04 03 80 90 a3 18 03 a9 83 97 6c 02 21 a3 70 05 a1 31 32 33 34'), [
    { kind: 'setup', callRef: 42, callKey: 'in:42', direction: 'incoming', channel: 23, presentation: 'restricted', called: '1234' },
  ]);

  // Two calling numbers (user-provided and network-provided, "CLIP no screening").
  const two = ev('from-network', '08 01 07 05 6c 05 21 80 31 32 33 6c 05 21 83 34 35 36');
  t.match(two, [{ calling: '123', callingNumbers: [{ digits: '123', screening: 'user-not-screened' }, { digits: '456', screening: 'network' }] }]);

  t.same(ev('from-network', '08 01 00 46 79 01 87'), [], 'global call reference (RESTART): none');
  t.same(ev('from-network', '08 00 62'), [], 'dummy call reference: none');
  t.same(ev('from-network', '08 01 05 00 05'), [], 'national message type: none');
  t.same(ev('from-network', '08 01 05 7d 08 02 80 9e 14 01 0a'), [], 'STATUS: none');
});
