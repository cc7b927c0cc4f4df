import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's socat makes the pty pairs; without it the real-pty tests are skipped. */
export const hasSocat = spawnSync('socat', ['-V']).status === 0;

/** A real pty pair from socat: `a` and `b` are symlinks to the two ends. */
export interface PtyPair {
  a: string;
  b: string;
  /** kills socat: both ends vanish, as an unplugged USB adapter does */
  kill(): Promise<void>;
  /** starts socat again on the same link names */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function ptyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-pty-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
    await waitFor(() => existsSync(a) && existsSync(b), 5000, 'socat links');
  };
  const kill = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
    await waitFor(() => !existsSync(a) && !existsSync(b), 5000, 'socat links to go');
  };
  await start();
  return {
    a,
    b,
    kill,
    restart: start,
    dispose: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function until(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  await waitFor(cond, ms, what);
}
