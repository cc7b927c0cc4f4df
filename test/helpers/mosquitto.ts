// A real mosquitto broker on a loopback port, started by a test, with persistence in a temp
// folder so a SIGKILL and a restart behave as a power cut of the broker host does.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from '../../src/demo/free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Broker {
  port: number;
  /** mqtt://127.0.0.1:port (mqtts://… with the `tls` option) */
  url: string;
  dir: string;
  /** mosquitto's stderr/stdout so far, for failure messages */
  output(): string;
  /** SIGKILL: no clean shutdown, no last persistence write */
  kill(): Promise<void>;
  /** starts it again on the same port and persistence folder */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface BrokerOptions {
  /** lines added to the generated mosquitto.conf (listener, ACL, TLS…); default: one plain anonymous loopback listener */
  conf?: (ctx: { port: number; dir: string }) => string;
  persistence?: boolean;
  /** conf() is the whole mosquitto.conf (e.g. one derived from image/mosquitto/mosquitto.conf):
   *  the helper adds none of its own lines (user, persistence, logging) and `persistence` is
   *  ignored. The file must itself listen on 127.0.0.1:ctx.port, run as `user root` and log to
   *  stderr (for output()). */
  bare?: boolean;
  /** the listener speaks TLS: `url` is mqtts://… (the helper only waits for the TCP port) */
  tls?: boolean;
}

export { freePort };

async function listening(port: number, ms: number, gone: () => boolean = () => false): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until && !gone()) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

export async function startMosquitto(opts: BrokerOptions = {}): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-mosq-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  const body =
    opts.conf?.({ port, dir }) ??
    `listener ${port} 127.0.0.1\nallow_anonymous true\n`;
  writeFileSync(
    conf,
    opts.bare
      ? body
      : // Started as root by the test: mosquitto would drop to the `mosquitto` user, who cannot write here.
        `user root\nper_listener_settings false\n${opts.persistence === false ? '' : `persistence true\npersistence_location ${dir}/\nautosave_interval 1\n`}` +
          `log_dest stderr\nlog_type error\nlog_type warning\n${body}`,
  );
  let proc: ChildProcess | undefined;
  let out = '';
  const start = async () => {
    const p = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    // A config error makes mosquitto exit at once: say so then (with its message, hence
    // 'close': stdio drained) rather than after the 10 s wait.
    let gone = false;
    p.once('close', () => (gone = true));
    if (!(await listening(port, 10_000, () => gone))) throw new Error(`mosquitto did not listen on ${port}:\n${out}`);
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill(signal);
    });
  };
  await start();
  return {
    port,
    url: `${opts.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    dir,
    output: () => out,
    kill: () => kill('SIGKILL'),
    restart: start,
    stop: async () => {
      await kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
