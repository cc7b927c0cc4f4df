// LAPD (Q.921) frames written out by hand, octet by octet, and what the decoder must read.
import t from 'tap';
import { carriesLayer3, decodeLapd, encodeLapd, impliedDirection, lapdRole, type LapdControl } from '../../../src/box/signals/lapd.js';

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/), (b) => parseInt(b, 16));

t.test('address and control fields', async (t) => {
  const cases: { name: string; frame: string; sapi: number; cr: 0 | 1; tei: number; control: LapdControl; info: number }[] = [
    // 02 = SAPI 0, C/R 1, EA0 0; 01 = TEI 0, EA1 1; I frame N(S)=0 N(R)=0
    { name: 'I frame from the network, PRI TEI 0', frame: '02 01 00 00 08 01 05 05', sapi: 0, cr: 1, tei: 0, control: { format: 'I', ns: 0, nr: 0, poll: false }, info: 4 },
    // 00 81 = SAPI 0 C/R 0, TEI 64; 0a = N(S) 5; 07 = N(R) 3, P
    { name: 'I frame from TEI 64, N(S)=5 N(R)=3 P', frame: '00 81 0a 07 08 01 01 02', sapi: 0, cr: 0, tei: 64, control: { format: 'I', ns: 5, nr: 3, poll: true }, info: 4 },
    { name: 'I frame, N(S)=127 N(R)=127', frame: '00 81 fe fe 08', sapi: 0, cr: 0, tei: 64, control: { format: 'I', ns: 127, nr: 127, poll: false }, info: 1 },
    // ff = TEI 127 broadcast; 03 = UI
    { name: 'UI to the broadcast TEI (incoming SETUP on a BRI bus)', frame: '02 ff 03 08 01 05 05', sapi: 0, cr: 1, tei: 127, control: { format: 'U', kind: 'UI', pf: false }, info: 4 },
    { name: 'RR response, N(R)=4, F', frame: '00 81 01 09', sapi: 0, cr: 0, tei: 64, control: { format: 'S', kind: 'RR', nr: 4, pf: true }, info: 0 },
    { name: 'RNR', frame: '02 81 05 02', sapi: 0, cr: 1, tei: 64, control: { format: 'S', kind: 'RNR', nr: 1, pf: false }, info: 0 },
    { name: 'REJ', frame: '02 81 09 00', sapi: 0, cr: 1, tei: 64, control: { format: 'S', kind: 'REJ', nr: 0, pf: false }, info: 0 },
    { name: 'SABME with P', frame: '00 81 7f', sapi: 0, cr: 0, tei: 64, control: { format: 'U', kind: 'SABME', pf: true }, info: 0 },
    { name: 'UA with F', frame: '00 81 73', sapi: 0, cr: 0, tei: 64, control: { format: 'U', kind: 'UA', pf: true }, info: 0 },
    { name: 'DISC', frame: '02 81 53', sapi: 0, cr: 1, tei: 64, control: { format: 'U', kind: 'DISC', pf: true }, info: 0 },
    { name: 'DM', frame: '02 81 0f', sapi: 0, cr: 1, tei: 64, control: { format: 'U', kind: 'DM', pf: false }, info: 0 },
    // fc = SAPI 63, C/R 0: TEI identity request (management entity 0f, Ri, type 01, Ai 127)
    { name: 'TEI management on SAPI 63', frame: 'fc ff 03 0f 12 34 01 ff', sapi: 63, cr: 0, tei: 127, control: { format: 'U', kind: 'UI', pf: false }, info: 5 },
  ];
  for (const c of cases) {
    const r = decodeLapd(hex(c.frame));
    if (!r.ok) {
      t.fail(`${c.name}: ${r.error.code}`);
      continue;
    }
    t.same({ sapi: r.frame.sapi, cr: r.frame.cr, tei: r.frame.tei, control: r.frame.control, info: r.frame.info.length }, { sapi: c.sapi, cr: c.cr, tei: c.tei, control: c.control, info: c.info }, c.name);
    t.same(encodeLapd({ ...r.frame, info: r.frame.info }), hex(c.frame), `${c.name}: encodes back to the same octets`);
  }
});

t.test('frames the decoder refuses, with their codes', async (t) => {
  const cases: [string, string, string][] = [
    ['empty', '', 'LAPD_TOO_SHORT'],
    ['two octets', '02 01', 'LAPD_TOO_SHORT'],
    ['I frame cut after the first control octet', '02 01 00', 'LAPD_TOO_SHORT'],
    ['RR cut after the first control octet', '02 01 01', 'LAPD_TOO_SHORT'],
    ['EA0 set (one-octet address, LAPB)', '03 01 00 00 08', 'LAPD_BAD_ADDRESS'],
    ['EA1 clear', '02 00 00 00 08', 'LAPD_BAD_ADDRESS'],
    ['S frame with an undefined supervisory code', '02 01 0d 00', 'LAPD_BAD_CONTROL'],
    ['S frame with bits 5-8 set', '02 01 11 00', 'LAPD_BAD_CONTROL'],
    ['U frame modifier Q.921 does not define', '02 01 2b', 'LAPD_BAD_CONTROL'],
    ['RR with an information field', '02 01 01 00 08', 'LAPD_BAD_LENGTH'],
    ['SABME with an information field', '02 01 7f 08', 'LAPD_BAD_LENGTH'],
    ['I frame longer than N201', `02 01 00 00 ${'08 '.repeat(261)}`, 'LAPD_BAD_LENGTH'],
  ];
  for (const [name, frame, code] of cases) {
    const r = decodeLapd(frame === '' ? new Uint8Array(0) : hex(frame));
    t.equal(r.ok ? 'ok' : r.error.code, code, name);
    if (!r.ok) t.type(r.error.detail, 'string');
  }
});

t.test('command or response: C/R by sender (Q.921 table 1)', async (t) => {
  t.equal(lapdRole(1, 'from-network'), 'command');
  t.equal(lapdRole(0, 'from-network'), 'response');
  t.equal(lapdRole(0, 'to-network'), 'command');
  t.equal(lapdRole(1, 'to-network'), 'response');
});

t.test('the direction an I or UI frame implies; none for S and other U frames', async (t) => {
  const dir = (f: string) => {
    const r = decodeLapd(hex(f));
    return r.ok ? impliedDirection(r.frame) : 'error';
  };
  t.equal(dir('02 01 00 00 08 01 05 05'), 'from-network', 'I, C/R 1');
  t.equal(dir('00 81 00 00 08 01 05 05'), 'to-network', 'I, C/R 0');
  t.equal(dir('02 ff 03 08 01 05 05'), 'from-network', 'UI, C/R 1');
  t.equal(dir('00 81 01 09'), undefined, 'RR');
  t.equal(dir('00 81 73'), undefined, 'UA');
});

t.test('only I and UI frames on SAPI 0 carry Q.931', async (t) => {
  const carries = (f: string) => {
    const r = decodeLapd(hex(f));
    return r.ok && carriesLayer3(r.frame);
  };
  t.ok(carries('02 01 00 00 08 01 05 05'), 'I on SAPI 0');
  t.ok(carries('02 ff 03 08 01 05 05'), 'UI on SAPI 0');
  t.notOk(carries('fc ff 03 0f 12 34 01 ff'), 'UI on SAPI 63 (TEI management)');
  t.notOk(carries('00 81 01 09'), 'RR');
  t.notOk(carries('02 01 00 00'), 'I frame with an empty information field');
  t.notOk(carries('42 01 00 00 08 01 05 05'), 'I frame on SAPI 16 (X.25)');
  t.notOk(carries('02 ff 13 08 01 05 05'), 'UI with the P bit set');
});
