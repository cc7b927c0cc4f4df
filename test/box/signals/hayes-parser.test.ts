import t from 'tap';
import { parseHayesLine } from '../../../src/box/signals/hayes-format.js';
import { HayesParser, type HayesParserOptions, type HayesRecord } from '../../../src/box/signals/hayes-parser.js';
import { memoryLog } from '../../helpers/log.js';

function run(input: string | (string | Buffer)[], opts: HayesParserOptions = {}) {
  const p = new HayesParser(opts);
  const out: HayesRecord[] = [];
  p.on('data', (r: HayesRecord) => out.push(r));
  for (const c of Array.isArray(input) ? input : [input]) p.write(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
  p.end();
  return { out, stats: p.stats, cid: out.filter((r) => r.kind === 'caller-id') };
}

const block = (...lines: string[]) => ['', 'RING', '', ...lines, '', 'RING', ''].join('\r\n');

t.test('the IS-101 / Rockwell example, grouped into one record between the rings', async (t) => {
  // "Example of Formatted Form Reporting" in the Rockwell AT command reference (#CID) and +VCID manuals
  const { out, stats } = run(block('DATE = 0321', 'TIME = 1405', 'NMBR = 5045551234', 'NAME = A N OTHER'));
  t.same(out, [
    { kind: 'ring' },
    { kind: 'caller-id', status: 'ok', date: '0321', time: '1405', number: '5045551234', name: 'A N OTHER' },
    { kind: 'ring' },
  ]);
  t.match(stats, { callerIds: 1, bad: 0, droppedBlocks: 0 });
});

t.test('spelling variants seen in the field', async (t) => {
  const c = (...l: string[]) => run(block(...l)).cid;
  t.match(c('DATE=0119', 'TIME=2215', 'NMBR=0401234567', 'NAME=ARCHER L'), [{ number: '0401234567', name: 'ARCHER L' }]);
  t.match(c('DATE = 0910', 'TIME = 0137', 'NAME = O', 'DDN_NMBR= 9932562'), [{ status: 'ok', number: '9932562' }]);
  t.notOk('name' in c('NMBR = 9932562', 'NAME = O')[0]!, 'NAME = O is no name');
  t.match(c('NMBR = +358401234567'), [{ number: '+358401234567' }]);
  t.match(c('MESG = 110101', 'DATE = 0511', 'TIME = 1852', 'NMBR = 4075550000', 'NAME = JOHN DOE'), [{ number: '4075550000' }]);
});

t.test('withheld and unavailable', async (t) => {
  const s = (...l: string[]) => run(block(...l)).cid.map((r) => r.kind === 'caller-id' && r.status);
  t.same(s('DATE = 0321', 'TIME = 1405', 'NMBR = P'), ['withheld']);
  t.same(s('NMBR = PRIVATE', 'NAME = PRIVATE'), ['withheld']);
  t.same(s('NMBR = O'), ['unavailable']);
  t.same(s('NMBR = OUT OF AREA', 'NAME = OUT OF AREA'), ['unavailable']);
  t.same(s('DATE = 0321', 'MESG = 040150'), ['withheld'], 'MDMF reason for absence of number: P');
  t.same(s('DATE = 0321', 'MESG = 04014F'), ['unavailable'], 'MDMF reason for absence of number: O');
  t.same(s('DATE = 0321', 'MESG = 040150AA'), ['withheld'], 'with a trailing checksum byte');
  const r = run(block('NMBR = P', 'NAME = P')).cid[0]!;
  t.same(r, { kind: 'caller-id', status: 'withheld' });
});

t.test('a block ends at RING, at a result code, on endCallerId, or at end of stream', async (t) => {
  t.same(run('RING\r\nNMBR = 0401234567\r\nNO CARRIER\r\n').out.map((r) => r.kind), ['ring', 'caller-id', 'result']);
  t.same(run('NMBR = 0401234567\r\n').out.map((r) => r.kind), ['caller-id'], 'CID before the first ring (ETSI), flushed at end');
  const p = new HayesParser();
  const out: HayesRecord[] = [];
  p.on('data', (r: HayesRecord) => out.push(r));
  let pending = 0;
  p.on('pending', () => pending++);
  p.write(Buffer.from('RING\r\nDATE = 0321\r\nNMBR = 0401234567\r\n'));
  t.equal(pending, 2);
  t.equal(p.callerIdPending, true);
  p.endCallerId();
  t.equal(p.callerIdPending, false);
  t.same(out.map((r) => r.kind), ['ring', 'caller-id']);
  p.endCallerId();
  t.equal(out.length, 2, 'nothing twice');
});

t.test('an unreadable line anywhere in the block drops the block: it may have been the number', async (t) => {
  const drop = (...l: string[]) => {
    const r = run(block(...l));
    t.equal(r.cid.length, 0, JSON.stringify(l));
    t.equal(r.stats.droppedBlocks, 1);
  };
  drop('DATE = 0321', 'TIME = 1405', 'NXBR = 0401234567', 'NAME = JOHN'); // first line unreadable, before any field
  drop('NXBR = 0401234567', 'NAME = JOHN');
  drop('NMBR = 0401', '234567'); // a line split by a stray CR
  drop('NMBR = 040X234567');
  drop('NMBR = 0401234567', 'NMBR = 0401234568'); // two numbers disagree
  drop('NMBR = 0401234567', '\u0000garbage\u001b');
  drop('NMBR = 0401234567', 'x'.repeat(400));
  drop('NMBR = 12'); // shorter than minNumberDigits
  drop('MESG = 0401'); // unreadable MESG and no NMBR: status unknown
  drop('DATE = 0321', 'TIME = 1405'); // no caller code at all: the NMBR line was lost
  drop('DATE = 0321', 'TIME = 1405', '', 'NAME = JOHN'); // ditto (a line truncated to nothing)
  const ok = run(block('NMBR = 0401234567', 'NMBR = 0401234567')).cid;
  t.match(ok, [{ number: '0401234567' }], 'a repeated identical line is fine');
});

t.test('a readable tag with a bad value loses that field only', async (t) => {
  const c = run(block('DATE = 1321', 'TIME = 2460', 'NMBR = 0401234567', 'NAME = \u00ff\u00fe', 'MESG = 9'));
  t.same(c.cid, [{ kind: 'caller-id', status: 'ok', number: '0401234567', name: '\u00ff\u00fe' }]);
  const d = run(block('DATE = 1321', 'NMBR = 0401234567', 'NAME=ARCHER L       NMBR=5071234567'));
  t.same(d.cid, [{ kind: 'caller-id', status: 'ok', number: '0401234567' }], 'two fields on one line: neither is trusted');
  const e = run(block('DATE = 0321', 'DATE = 0322', 'NMBR = 0401234567'));
  t.same(e.cid, [{ kind: 'caller-id', status: 'ok', number: '0401234567' }], 'contradictory dates: no date');
});

t.test('result codes, echoes and other lines', async (t) => {
  const l = (s: string) => parseHayesLine(s);
  t.same(l('OK'), { kind: 'result', code: 'OK' });
  t.same(l('ERROR'), { kind: 'result', code: 'ERROR' });
  t.same(l('NO CARRIER'), { kind: 'result', code: 'NO CARRIER' });
  t.same(l('NO DIAL TONE'), { kind: 'result', code: 'NO DIALTONE' });
  t.same(l('CONNECT 33600'), { kind: 'result', code: 'CONNECT' });
  t.same(l('AT+VCID=1'), { kind: 'echo' });
  t.same(l('DRON=5'), { kind: 'ignored' });
  t.same(l('U.S. Robotics 56K Voice'), { kind: 'unknown' });
  t.same(l('RING RING DATE=0224 NAME=ONMBR=5072884388'), { kind: 'unknown' });
  const r = run('ATZ\r\r\nOK\r\nATE0V1\r\r\nOK\r\nBANNER 1.0\r\n');
  t.same(r.out.map((x) => x.kind), ['echo', 'result', 'echo', 'result', 'unknown-line']);
  t.match(r.stats, { ignored: 2, unknown: 1 });
});

t.test('no number or name ever reaches the log', async (t) => {
  const { log, lines } = memoryLog();
  run([block('NMBR = 0401234567', 'NAME = VIRTANEN', 'NMBR = 0509999999', 'NAME = \u0001VIRTANEN'), 'NMBR = 04011'], { log });
  t.ok(lines.length > 0);
  t.notMatch(JSON.stringify(lines), /040|050|VIRTANEN/);
});

t.test('options are checked', async (t) => {
  t.throws(() => new HayesParser({ minNumberDigits: 0 }), TypeError);
  t.throws(() => new HayesParser({ maxLineBytes: 100000 }), TypeError);
  t.match(run(block('NMBR = 12'), { minNumberDigits: 2 }).cid, [{ number: '12' }]);
});
