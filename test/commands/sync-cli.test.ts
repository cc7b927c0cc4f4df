// The CLI's sync side: a box refuses to start on a bad command key, naming it; `indexer token`
// prints a token whose SHA-256 is the line it gives for the config; the indexer refuses a wrong
// passphrase before it connects anywhere.
import t from 'tap';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { boxFixture, cli } from '../helpers/box-fixture.js';
import { centralKeys, indexerConfig } from '../helpers/central.js';

t.test('a box given a private key as its command key refuses to start and names the field', async (t) => {
  const f = boxFixture({ infile: '/dev/null', channels: 1 });
  const keys = centralKeys(join(f.dir, 'central'));
  appendFileSync(f.config, `mqtt: { url: "mqtt://127.0.0.1:1", commandKeys: [${keys.commandKey}] }\n`);
  const r = cli(f, ['record', '--config', f.config, '--duration', '1']);
  t.equal(r.status, 1);
  t.match(r.stderr, /mqtt\.commandKeys\[0\].*not a public key|mqtt\.commandKeys\[0\].*private key must never be given/);
  writeFileSync(join(f.dir, 'garbage.pub'), 'hello\n');
  writeFileSync(f.config, readFileSync(f.config, 'utf8').replace(keys.commandKey, join(f.dir, 'garbage.pub')));
  const g = cli(f, ['record', '--config', f.config, '--duration', '1']);
  t.equal(g.status, 1);
  t.match(g.stderr, /mqtt\.commandKeys\[0\] \(.*garbage\.pub\)/, 'a file that is no key is named too');
});

t.test('indexer token prints the token once and the config line with its SHA-256', async (t) => {
  const f = boxFixture({ infile: '/dev/null', channels: 1 });
  const r = cli(f, ['indexer', 'token', '--name', 'sup-1', '--role', 'supervisor', '--sites', 'lappeenranta,kotka']);
  t.equal(r.status, 0, r.stderr);
  const token = r.stdout.match(/: (\S+)\n/)![1]!;
  const sha = createHash('sha256').update(token).digest('hex');
  t.match(r.stdout, `- { name: sup-1, role: supervisor, sites: [lappeenranta, kotka], sha256: ${sha} }`);
  const bad = cli(f, ['indexer', 'token', '--name', 'x', '--role', 'root']);
  t.equal(bad.status, 2);
  t.match(bad.stderr, /--role must be one of supervisor, trainer, privacy-officer, admin/);
});

t.test('the indexer refuses a wrong passphrase, naming the key file', async (t) => {
  const f = boxFixture({ infile: '/dev/null', channels: 1 });
  const keys = centralKeys(join(f.dir, 'central'));
  const config = indexerConfig(f.dir, keys, { url: 'mqtt://127.0.0.1:1' });
  const r = cli({ ...f, env: { ...f.env, TALLENNIN_KEY_PASSPHRASE: 'a wrong passphrase here' } }, ['indexer', '--config', config]);
  t.equal(r.status, 1);
  t.match(r.stderr, /keys\.controller .* could not be decrypted: the passphrase is wrong/);
});

t.test('a box whose sealing key is unusable exits, leaving its LED blinking fast', async (t) => {
  const f = boxFixture({ infile: '/dev/null', channels: 1, extraYaml: 'led: { names: [led0], sysfs: ./leds }\n' });
  const led = join(f.dir, 'leds', 'led0');
  mkdirSync(led, { recursive: true });
  writeFileSync(join(led, 'trigger'), 'none [default-on] timer heartbeat\n');
  writeFileSync(join(led, 'brightness'), '255\n');
  writeFileSync(join(led, 'max_brightness'), '255\n');
  writeFileSync(join(led, 'delay_on'), '500\n');
  writeFileSync(join(led, 'delay_off'), '500\n');
  writeFileSync(f.pubFile, 'not a key\n');
  const r = cli(f, ['record', '--config', f.config, '--duration', '1']);
  t.equal(r.status, 1);
  t.match(r.stderr, /seal\.publicKey/);
  t.match(readFileSync(join(led, 'trigger'), 'utf8'), /timer/, 'the timer trigger');
  t.equal(readFileSync(join(led, 'delay_on'), 'utf8').trim(), '100', 'fast: 100 ms on');
  t.equal(readFileSync(join(led, 'delay_off'), 'utf8').trim(), '100', '100 ms off');
});
