// The production broker configuration (image/mosquitto/) against a real mosquitto: the test
// broker runs image/mosquitto/mosquitto.conf with only paths, port, run-as user and log
// destination replaced, the ACL file verbatim, and certificates made by make-certs.sh. Real
// MQTT clients over TLS with client certificates then check what each identity may do.
//
// "Not delivered" is concluded after QUIET ms, and only after a positive control in the same
// setup has proved that delivery works; where one publisher sends both, a marker sent after
// the forbidden messages must arrive first (a broker keeps one publisher's order).
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { ConnectionOptions } from 'node:tls';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { COMMAND_VERBS, TOPIC_ROOT, boxTopics, fleetTopics } from '../../src/core/protocol/topics.js';
import { startMosquitto } from '../helpers/mosquitto.js';
import { memoryLog } from '../helpers/log.js';
import { Link } from '../../src/box/sync/link.js';
import { systemClock } from '../../src/core/clock.js';

const IMAGE = fileURLToPath(new URL('../../image/mosquitto/', import.meta.url));
const QUIET = 500;

const A = boxTopics('s1', 'a-1');
const B = boxTopics('s1', 'b-2');

// --- certificates: what an operator runs, into a temp folder -----------------------------------
const work = mkdtempSync(join(tmpdir(), 'tallennin-acl-'));
const pki = join(work, 'pki');
const otherPki = join(work, 'other-ca');
execFileSync('bash', [join(IMAGE, 'make-certs.sh'), '-d', pki, 'a-1', 'b-2'], { stdio: 'pipe' });
// the same box id, signed by a CA the broker does not know
execFileSync('bash', [join(IMAGE, 'make-certs.sh'), '-d', otherPki, 'a-1'], { stdio: 'pipe' });

// --- the broker: the production conf, with what cannot be the same in a test replaced ---------
const production = readFileSync(join(IMAGE, 'mosquitto.conf'), 'utf8');

/** Every replacement must hit exactly the lines it expects, so a production conf that changes
 *  shape fails here instead of silently going untested. */
function derive(conf: string, port: number, dir: string): { text: string; changed: string[] } {
  const swaps: { from: RegExp; to: string; times: number }[] = [
    { from: /^listener 8883$/, to: `listener ${port} 127.0.0.1`, times: 1 },
    { from: /^((?:cafile|certfile|keyfile) )\/etc\/mosquitto\/certs\//, to: `$1${pki}/`, times: 3 },
    { from: /^acl_file \/etc\/mosquitto\/acl$/, to: `acl_file ${join(IMAGE, 'acl')}`, times: 1 },
    { from: /^persistence_location \/var\/lib\/mosquitto\/$/, to: `persistence_location ${dir}/`, times: 1 },
    // the test runs as root and its temp folders are root's: mosquitto must not drop to `mosquitto`
    { from: /^user mosquitto$/, to: 'user root', times: 1 },
    // into the helper's output() instead of the host's syslog
    { from: /^log_dest syslog$/, to: 'log_dest stderr', times: 1 },
  ];
  const hits = swaps.map(() => 0);
  const changed: string[] = [];
  const text = conf
    .split('\n')
    .map((line) => {
      const i = swaps.findIndex((s) => s.from.test(line));
      if (i < 0) return line;
      hits[i]!++;
      const out = line.replace(swaps[i]!.from, swaps[i]!.to);
      changed.push(`${line} -> ${out}`);
      return out;
    })
    .join('\n');
  swaps.forEach((s, i) => {
    if (hits[i] !== s.times) throw new Error(`production mosquitto.conf: ${s.from} matched ${hits[i]} lines, expected ${s.times}`);
  });
  const left = text.split('\n').filter((l) => !l.startsWith('#') && /\/etc\/mosquitto|\/var\/lib/.test(l));
  if (left.length) throw new Error(`production mosquitto.conf: paths the test does not replace: ${left.join('; ')}`);
  return { text, changed };
}

let derived: { text: string; changed: string[] } | undefined;
const broker = await startMosquitto({
  bare: true,
  tls: true,
  conf: ({ port, dir }) => (derived = derive(production, port, dir)).text,
});

// --- clients -------------------------------------------------------------------------------------
interface Msg {
  topic: string;
  payload: string;
  retain: boolean;
}
interface Client {
  mqtt: MqttClient;
  got: Msg[];
  closed: boolean;
}
const open: MqttClient[] = [];

const tlsOf = (dir: string, cn: string) => ({
  ca: readFileSync(join(pki, 'ca.crt')),
  cert: readFileSync(join(dir, `${cn}.crt`)),
  key: readFileSync(join(dir, `${cn}.key`)),
});

async function connect(cn: string, opts: IClientOptions = {}): Promise<Client> {
  const c = await mqtt.connectAsync(broker.url, { ...tlsOf(pki, cn), protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5000, ...opts });
  open.push(c);
  const client: Client = { mqtt: c, got: [], closed: false };
  c.on('message', (topic, payload, packet) => client.got.push({ topic, payload: payload.toString(), retain: packet.retain }));
  c.on('close', () => (client.closed = true));
  return client;
}

/** 'connected', or why not: the connection must fail during TLS or CONNECT */
async function attempt(url: string, opts: IClientOptions & ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
    const done = (why: string) => {
      c.end(true);
      resolve(why);
    };
    c.once('connect', () => done('connected'));
    c.once('error', (e: Error & { code?: string | number }) => done(`${e.code ?? ''} ${e.message}`.trim()));
    c.once('close', () => done('closed'));
  });
}

async function end(...clients: Client[]) {
  await Promise.all(clients.map((c) => c.mqtt.endAsync(true)));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, ms = 3000) {
  const stop = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > stop) throw new Error(`timed out waiting for ${what}\n${broker.output().slice(-3000)}`);
    await sleep(10);
  }
}
const has = (c: Client, topic: string, payload: string) => c.got.some((m) => m.topic === topic && m.payload === payload);
const pairs = (c: Client) => c.got.map((m) => [m.topic, m.payload]);

/** SUBACK per filter: the granted QoS, or the failure code (128 / 135) */
async function subscribe(c: Client, filter: string): Promise<number> {
  try {
    const granted = await c.mqtt.subscribeAsync(filter, { qos: 1 });
    return granted[0]!.qos;
  } catch (e) {
    return Number((e as { code?: number }).code);
  }
}

/** the PUBACK: 'ok', or the MQTT 5 reason code of a refusal */
async function publish(c: Client, topic: string, payload: string, retain = false): Promise<'ok' | number> {
  try {
    await c.mqtt.publishAsync(topic, payload, { qos: 1, retain });
    return 'ok';
  } catch (e) {
    const code = (e as { code?: number }).code;
    if (typeof code !== 'number') throw e;
    return code;
  }
}

t.teardown(async () => {
  for (const c of open) c.end(true);
  await broker.stop();
  rmSync(work, { recursive: true, force: true });
});

// --- the tests -----------------------------------------------------------------------------------

t.test('the test broker runs the production conf with only paths, port, user and log destination replaced', async (t) => {
  t.ok(derived);
  t.equal(derived!.changed.length, 8, 'eight lines replaced');
  t.comment(derived!.changed.join('\n'));
  const prod = production.split('\n');
  const test = derived!.text.split('\n');
  t.equal(test.length, prod.length);
  t.equal(prod.filter((l, i) => l !== test[i]).length, 8, 'every other line verbatim');
});

t.test('a box publishes its own $state, status, evt, audit and reply, and the indexer receives them', async (t) => {
  const f = fleetTopics();
  const idx = await connect('indexer');
  for (const filter of [f.state, f.status, f.evt, f.audit, f.reply]) t.equal(await subscribe(idx, filter), 1, `indexer subscribes ${filter}`);
  const a = await connect('a-1');
  const sent: [string, string, boolean][] = [
    [A.state, 'ready', true],
    [A.status, '{"lines":[]}', true],
    [A.evt, '{"seq":1}', false],
    [A.audit, '{"head":"x"}', false],
    [`${A.replyPrefix}corr-1`, '{"ok":true}', false],
  ];
  for (const [topic, payload, retain] of sent) t.equal(await publish(a, topic, payload, retain), 'ok', `PUBACK success for ${topic}`);
  await until('the indexer to receive all five', () => sent.every(([topic, payload]) => has(idx, topic, payload)));
  t.same(pairs(idx), sent.map(([topic, payload]) => [topic, payload]), 'each once, in order');

  // a later subscriber (an indexer starting up) gets the retained picture
  await end(idx);
  const late = await connect('indexer');
  await subscribe(late, f.state);
  await subscribe(late, f.status);
  await until('retained $state and status', () => has(late, A.state, 'ready') && has(late, A.status, '{"lines":[]}'));
  t.ok(late.got.every((m) => m.retain));
  // "$state" is an ordinary level below the first: `+` and `#` in a filter match it
  // (connecting as the indexer again pushes `late` off: one connection per certificate)
  const plus = await connect('indexer');
  await subscribe(plus, `${TOPIC_ROOT}/+/a-1/+`);
  await subscribe(plus, `${TOPIC_ROOT}/s1/#`);
  await until('retained $state through + and #', () => plus.got.filter((m) => m.topic === A.state).length === 2);
  await end(a, plus);
});

for (const protocolVersion of [5, 4] as const) {
  t.test(`a box cannot publish to another box's topics, nor to any cmd or ack (MQTT ${protocolVersion === 5 ? '5' : '3.1.1'})`, async (t) => {
    const idx = await connect('indexer', { protocolVersion });
    await subscribe(idx, `${TOPIC_ROOT}/#`);
    const b = await connect('b-2', { protocolVersion });
    await subscribe(b, B.cmdAll);
    await subscribe(b, B.ack);
    const a = await connect('a-1', { protocolVersion });
    await subscribe(a, A.cmdAll);
    await subscribe(a, A.ack);

    t.equal(await publish(a, A.evt, 'control'), 'ok');
    await until('the positive control', () => has(idx, A.evt, 'control'));

    const forbidden = [B.evt, B.status, B.state, B.audit, `${B.replyPrefix}corr-1`, B.cmd('delete'), B.ack, A.cmd('delete'), A.ack, `${TOPIC_ROOT}/s1/a-1/other`];
    for (const topic of forbidden) {
      const r = await publish(a, topic, 'forged', topic === B.state);
      // MQTT 5: PUBACK 0x87 "not authorized"; 3.1.1 has no way to say so: a plain PUBACK, and the message is dropped
      t.equal(r, protocolVersion === 5 ? 135 : 'ok', `PUBACK for ${topic}`);
    }
    t.equal(await publish(a, A.evt, 'marker'), 'ok');
    await until('the marker', () => has(idx, A.evt, 'marker'));
    await sleep(QUIET);
    // (earlier tests left A's $state and status retained: replayed to `#`, flagged retain)
    t.same(
      pairs(idx).filter((_, i) => !idx.got[i]!.retain),
      [
        [A.evt, 'control'],
        [A.evt, 'marker'],
      ],
      'the indexer got nothing forged',
    );
    t.notOk(idx.got.some((m) => m.topic.startsWith(`${TOPIC_ROOT}/s1/b-2/`) || m.payload === 'forged'), 'not even retained');
    t.same(b.got, [], 'box B got no forged command or ack');
    t.same(a.got, [], 'box A cannot command itself');
    await end(idx, a, b);
  });
}

t.test("a box cannot read another box's cmd, ack, evt, status or $state", async (t) => {
  const a = await connect('a-1');
  const suback: Record<string, number> = {};
  for (const filter of [B.cmdAll, `${TOPIC_ROOT}/s1/b-2/cmd/#`, B.ack, B.evt, B.status, B.state, `${TOPIC_ROOT}/#`, '#']) suback[filter] = await subscribe(a, filter);
  t.comment(`SUBACK for box A's subscriptions to box B's topics: ${JSON.stringify(suback)}`);
  for (const [filter, code] of Object.entries(suback)) {
    // mosquitto 2.0's ACL file does not check SUBSCRIBE (it grants QoS 1 and filters at delivery);
    // a refusal (0x80 / 0x87) would be as good
    t.ok(code === 1 || code >= 128, `${filter}: granted 1 or refused, got ${code}`);
  }
  const b = await connect('b-2');
  await subscribe(b, B.cmdAll);
  await subscribe(b, B.ack);
  const idx = await connect('indexer');
  await subscribe(idx, fleetTopics().evt);

  // positive controls: B gets its command and ack, the indexer B's event
  t.equal(await publish(idx, B.cmd('hold'), '{"cmd":"hold"}'), 'ok');
  t.equal(await publish(idx, B.ack, '{"seq":7}'), 'ok');
  t.equal(await publish(b, B.evt, '{"seq":8}'), 'ok');
  t.equal(await publish(b, B.status, '{"disk":1}', true), 'ok');
  t.equal(await publish(b, B.state, 'ready', true), 'ok');
  await until('B to get its cmd and ack, the indexer B evt', () => has(b, B.cmd('hold'), '{"cmd":"hold"}') && has(b, B.ack, '{"seq":7}') && has(idx, B.evt, '{"seq":8}'));

  // the marker reaches A through its `tallennin/v1/#`; anything of B's would have come first
  t.equal(await publish(idx, A.cmd('led-test'), 'marker'), 'ok');
  await until('the marker at A', () => has(a, A.cmd('led-test'), 'marker'));
  // and B's retained status/$state are not replayed to a new subscription of A's either
  await subscribe(a, `${TOPIC_ROOT}/+/b-2/+`);
  await sleep(QUIET);
  t.ok(a.got.length > 0 && a.got.every((m) => m.topic === A.cmd('led-test')), `A got only its own command: ${JSON.stringify(pairs(a))}`);
  await end(a, b, idx);
});

t.test('the indexer commands a box and acknowledges its events; the box receives them', async (t) => {
  const a = await connect('a-1');
  t.equal(await subscribe(a, A.cmdAll), 1);
  t.equal(await subscribe(a, A.ack), 1);
  const idx = await connect('indexer');
  for (const verb of COMMAND_VERBS) t.equal(await publish(idx, A.cmd(verb), `{"verb":"${verb}"}`), 'ok', `PUBACK success for cmd/${verb}`);
  t.equal(await publish(idx, A.ack, '{"seq":42}'), 'ok');
  await until('all commands and the ack', () => a.got.length === COMMAND_VERBS.length + 1);
  t.same(pairs(a), [...COMMAND_VERBS.map((v) => [A.cmd(v), `{"verb":"${v}"}`]), [A.ack, '{"seq":42}']]);
  // the indexer publishes only cmd and ack: it cannot forge a box's own topics
  t.equal(await publish(idx, A.evt, 'forged'), 135);
  t.equal(await publish(idx, A.state, 'lost'), 135);
  await end(a, idx);
});

for (const protocolVersion of [5, 4] as const) {
  t.test(`a shared subscription of the indexer receives the boxes' evt and audit (MQTT ${protocolVersion === 5 ? '5' : '3.1.1'})`, async (t) => {
    const shared = fleetTopics('indexer');
    t.equal(shared.evt, `$share/indexer/${TOPIC_ROOT}/+/+/evt`);
    const idx = await connect('indexer', { protocolVersion });
    t.equal(await subscribe(idx, shared.evt), 1);
    t.equal(await subscribe(idx, shared.audit), 1);
    const a = await connect('a-1');
    const b = await connect('b-2');
    await publish(a, A.evt, `{"seq":${protocolVersion}}`);
    await publish(a, A.audit, 'entry');
    await publish(b, B.evt, `{"seq":${protocolVersion}}`);
    await until('both boxes events through $share', () => idx.got.length >= 3);
    await sleep(100);
    t.same(
      pairs(idx).sort(),
      [
        [A.audit, 'entry'],
        [A.evt, `{"seq":${protocolVersion}}`],
        [B.evt, `{"seq":${protocolVersion}}`],
      ],
      'each once, under its real topic',
    );
    await end(idx, a, b);
  });
}

t.test('max_packet_size: a fetch answer (64 KiB of audio in base64 JSON) passes, a 300 KiB packet is refused', async (t) => {
  const idx = await connect('indexer');
  await subscribe(idx, fleetTopics().reply);
  // MQTT 3.1.1, so the client does not know the limit (MQTT 5 tells it in CONNACK) and the
  // refusal is the broker's
  const a = await connect('a-1', { protocolVersion: 4 });
  const answer = JSON.stringify({ correlationId: 'c-9', chunk: 0, data: Buffer.alloc(64 * 1024, 7).toString('base64') });
  t.equal(await publish(a, `${A.replyPrefix}c-9`, answer), 'ok');
  await until('the fetch answer', () => has(idx, `${A.replyPrefix}c-9`, answer));
  const big = 'x'.repeat(300 * 1024);
  void publish(a, `${A.replyPrefix}c-10`, big).catch(() => undefined);
  await until('the broker to disconnect the sender', () => a.closed);
  await sleep(QUIET);
  t.notOk(has(idx, `${A.replyPrefix}c-10`, big), 'the oversized packet is not delivered');
  await end(idx, a);
});

t.test("a box's last will goes to its own $state only", async (t) => {
  const idx = await connect('indexer');
  await subscribe(idx, fleetTopics().state);
  const live = () => idx.got.filter((m) => !m.retain); // what arrives after the retained replay

  // forged: A's certificate, a will on B's $state. mosquitto accepts the CONNECT and drops the will.
  const forger = await connect('a-1', { will: { topic: B.state, payload: Buffer.from('lost-forged'), qos: 1, retain: true } });
  forger.mqtt.stream.destroy();
  await until('the forger gone', () => forger.closed);
  // the real one, after it: its will arrives, so the forged one would have arrived before
  const a = await connect('a-1', { will: { topic: A.state, payload: Buffer.from('lost'), qos: 1, retain: true } });
  a.mqtt.stream.destroy();
  await until("A's will", () => live().some((m) => m.topic === A.state && m.payload === 'lost'));
  await sleep(QUIET);
  t.same(live().map((m) => [m.topic, m.payload]), [[A.state, 'lost']]);
  await end(idx);
});

t.test("a box cannot push the indexer off by claiming its client id (the CN is the client id)", async (t) => {
  const idx = await connect('indexer', { clientId: 'tallennin-indexer' });
  await subscribe(idx, fleetTopics().evt);
  const a = await connect('a-1', { clientId: 'tallennin-indexer', clean: false });
  t.equal(await publish(a, A.evt, 'after'), 'ok');
  await until('the indexer still receiving', () => has(idx, A.evt, 'after'));
  t.notOk(idx.closed, 'the indexer stays connected');
  // the other way round, the same certificate twice: one session per box, the newer wins
  const a2 = await connect('a-1', { clientId: 'something-else' });
  await until('the older A pushed off', () => a.closed);
  t.notOk(a2.closed);
  await end(idx, a, a2);
});

t.test('only clients with a certificate from the fleet CA get in, over TLS 1.2 or later', async (t) => {
  const url = broker.url;
  const ca = readFileSync(join(pki, 'ca.crt'));
  t.equal(await attempt(url, { ...tlsOf(pki, 'a-1') }), 'connected', 'positive control: a box certificate');
  t.not(await attempt(url, { ca }), 'connected', 'no client certificate');
  t.not(await attempt(url, { ca, protocolVersion: 5, username: 'indexer' }), 'connected', 'no certificate, a username');
  t.not(await attempt(url, { ...tlsOf(otherPki, 'a-1'), ca }), 'connected', 'a certificate from another CA, same CN');
  t.not(await attempt(url, { ...tlsOf(pki, 'server') }), 'connected', "the broker's own certificate (server auth only) as a client");
  t.not(await attempt(url, { ...tlsOf(pki, 'a-1'), minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }), 'connected', 'TLS 1.1');
  t.not(await attempt(`mqtt://127.0.0.1:${broker.port}`, {}), 'connected', 'plain MQTT, anonymous');
  t.not(await attempt(`mqtt://127.0.0.1:${broker.port}`, { username: 'indexer', password: 'x' }), 'connected', 'plain MQTT with a username');
});

t.test("the box's own link connects with its certificate, says ready under its CN, and takes the indexer's ack", async (t) => {
  const idx = await connect('indexer');
  await subscribe(idx, fleetTopics().state);
  const { log } = memoryLog();
  const link = new Link({
    url: broker.url, site: 's1', box: 'a-1', boot: 1, keepaliveS: 30, reconnectMaxS: 1, clock: systemClock, log,
    tls: tlsOf(pki, 'a-1'),
  });
  const acks: string[] = [];
  link.on('message', (topic: string, payload: Buffer) => topic === A.ack && acks.push(payload.toString()));
  link.start();
  await until('ready from the box', () => idx.got.some((m) => m.topic === A.state && m.payload.includes('"state":"ready"')));
  await idx.mqtt.publishAsync(A.ack, JSON.stringify({ seq: 7 }), { qos: 1 });
  await until('the ack at the box', () => acks.length > 0);
  t.same(JSON.parse(acks[0]!), { seq: 7 });
  await link.stop();
  await until('lost on a clean stop', () => idx.got.some((m) => m.topic === A.state && m.payload.includes('"state":"lost"')));
  await end(idx);
});
