// The indexer under systemd's notify protocol, end to end, as its unit runs it: the key's
// passphrase from a credential file (LoadCredential=), not the environment; READY=1 once the
// API listens, WATCHDOG=1 while its store answers, STOPPING=1 on SIGTERM, exit 0.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, PASSPHRASE } from '../helpers/box-fixture.js';
import { centralKeys, indexerConfig } from '../helpers/central.js';
import { startMosquitto } from '../helpers/mosquitto.js';
import { notifyListener } from '../helpers/notify-listener.js';
import { sleep } from '../helpers/eventually.js';

t.setTimeout(120_000);

t.test('READY, pings, STOPPING; the passphrase from systemd credentials', async (t) => {
  const dir = t.testdir({});
  const keys = centralKeys(join(dir, 'keys'));
  const broker = await startMosquitto();
  t.teardown(() => broker.stop());
  const config = indexerConfig(dir, keys, { url: broker.url });
  const credentials = join(dir, 'credentials');
  mkdirSync(credentials, { mode: 0o700 });
  writeFileSync(join(credentials, 'key-passphrase'), `${PASSPHRASE}\n`, { mode: 0o400 });
  const listener = await notifyListener();
  t.teardown(() => listener.stop());

  const env: NodeJS.ProcessEnv = { ...process.env, NOTIFY_SOCKET: listener.path, WATCHDOG_USEC: '1000000', CREDENTIALS_DIRECTORY: credentials };
  delete env['TALLENNIN_KEY_PASSPHRASE'];
  const child = spawn(process.execPath, [CLI, 'indexer', '--config', config], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.teardown(() => void child.kill('SIGKILL'));

  const ready = await listener.next(/^READY=1$/, 0, 30_000).catch((err: Error) => {
    t.comment(log);
    throw err;
  });
  t.match(log, /"msg":"indexer starting"/, 'the keys opened with the credential');
  await sleep(2500);
  const pings = listener.received.filter((n) => n.line === 'WATCHDOG=1' && n.at > ready.at);
  t.ok(pings.length >= 4, `${pings.length} pings in 2.5 s (every 0.5 s)`);
  t.ok(listener.received.some((n) => /^STATUS=broker (connected|not connected); 0 fleet alarms$/.test(n.line)), 'the status line');

  child.kill('SIGTERM');
  await listener.next(/^STOPPING=1$/, ready.at, 10_000);
  t.equal(await exited, 0, 'exits 0');
  t.notMatch(log, /unhealthy/);
});

t.test('without the credential or the variable, the indexer says where the passphrase comes from', async (t) => {
  const dir = t.testdir({});
  const keys = centralKeys(join(dir, 'keys'));
  const config = indexerConfig(dir, keys, { url: 'mqtt://127.0.0.1:1' });
  const env: NodeJS.ProcessEnv = { ...process.env, CREDENTIALS_DIRECTORY: join(dir, 'empty') };
  delete env['TALLENNIN_KEY_PASSPHRASE'];
  const child = spawn(process.execPath, [CLI, 'indexer', '--config', config], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.not(code, 0);
  t.match(err, /no passphrase: give the service the systemd credential key-passphrase \(LoadCredential=\), set TALLENNIN_KEY_PASSPHRASE, or run on a terminal/);
});
