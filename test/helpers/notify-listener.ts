// A stand-in for systemd's notification socket: a real unix datagram socket (socat UNIX-RECV)
// that records each assignment a service sends, with when it arrived.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './eventually.js';

export interface Notification {
  line: string;
  at: number;
}

export interface NotifyListener {
  /** the NOTIFY_SOCKET path */
  path: string;
  received: Notification[];
  /** waits for a line matching `re` that arrived after `since` (performance.now()) */
  next(re: RegExp, since: number, ms: number): Promise<Notification>;
  stop(): Promise<void>;
}

/** In a short folder of its own: a socket path has at most 107 bytes, and tap's test folders are longer. */
export async function notifyListener(): Promise<NotifyListener> {
  const dir = mkdtempSync(join(tmpdir(), 'tn-notify-'));
  const path = join(dir, 'notify.sock');
  const child = spawn('socat', ['-u', `UNIX-RECV:${path},unlink-early`, 'STDOUT'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const received: Notification[] = [];
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (line) received.push({ line, at: performance.now() });
  });
  await until(() => existsSync(path) || child.exitCode !== null, 5000, 'the notify socket');
  if (child.exitCode !== null) throw new Error(`socat could not listen on ${path}`);
  return {
    path,
    received,
    async next(re, since, ms) {
      let found: Notification | undefined;
      await until(() => (found = received.find((n) => n.at >= since && re.test(n.line))) !== undefined, ms, `a notification matching ${re}`);
      return found!;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
