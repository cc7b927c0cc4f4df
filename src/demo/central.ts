// The demo's central side: an embedded aedes broker and the real `tallennin indexer`, and what
// the indexer's API says once the box has reported its calls.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startDemoBroker } from './broker.js';
import { freePort } from './free-port.js';
import { hhmmss, seconds } from './report.js';

export interface Central {
  brokerUrl: string;
  apiUrl: string;
  token: string;
  indexer: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the broker and the indexer (its log in `dir`/indexer.log); `token` is a privacy officer's. */
export async function startCentral(
  dir: string,
  cli: (args: string[], what: string) => Promise<{ stdout: string }>,
  run: (args: string[], logFile: string) => ChildProcess,
): Promise<Central> {
  const broker = await startDemoBroker();
  const port = await freePort();
  const made = await cli(['indexer', 'token', '--name', 'demo-dpo', '--role', 'privacy-officer'], 'tallennin indexer token');
  const token = made.stdout.match(/token \(shown once[^)]*\): (\S+)/)?.[1];
  const entry = made.stdout.match(/ {2}- \{.*\}/)?.[0];
  if (!token || !entry) throw new Error(`tallennin indexer token printed no token:\n${made.stdout}`);
  const config = join(dir, 'indexer.yaml');
  await writeFile(
    config,
    `# Written by \`tallennin demo\`: the central indexer, on this machine for the demo.
indexer: { id: demo-central }
mqtt: { url: "${broker.url}" }
storage: { path: index }
# The controller key opens the numbers for the blind index; the command key signs fleet commands.
keys: { controller: keys/controller.key, command: keys/command.key }
api:
  host: 127.0.0.1
  port: ${port}
  tokens:
${entry}
`,
  );
  const indexer = run(['indexer', '--config', config], join(dir, 'indexer.log'));
  const apiUrl = `http://127.0.0.1:${port}`;
  const until = Date.now() + 20_000;
  for (;;) {
    if (indexer.exitCode !== null) throw new Error(`tallennin indexer exited with code ${indexer.exitCode}; see ${join(dir, 'indexer.log')}`);
    const ok = await fetch(`${apiUrl}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > until) throw new Error('the indexer\'s API did not answer within 20 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    brokerUrl: broker.url,
    apiUrl,
    token,
    indexer,
    stop: async () => {
      if (indexer.exitCode === null && indexer.signalCode === null) {
        indexer.kill('SIGTERM');
        await new Promise((r) => indexer.once('close', r));
      }
      await broker.close();
    },
  };
}

/** Spawns the CLI with its output to a log file. */
export function spawnLogged(cliPath: string, env: NodeJS.ProcessEnv) {
  return (args: string[], logFile: string): ChildProcess => {
    const child = spawn(process.execPath, [cliPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(logFile);
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    return child;
  };
}

interface ApiCall {
  id: string;
  line: string;
  start: number;
  durationMs: number;
  direction: string;
  expiresAt: number;
  notice?: { status: string };
}

async function get<T>(c: Central, path: string): Promise<T> {
  const r = await fetch(`${c.apiUrl}${path}`, { headers: { authorization: `Bearer ${c.token}` } });
  if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

/** Waits for `expected` calls in the index, then says what the indexer holds and finds by number. */
export async function showIndex(c: Central, expected: number, someNumber: string | undefined, say: (s?: string) => void): Promise<number> {
  const until = Date.now() + 15_000;
  let calls: ApiCall[] = [];
  while (Date.now() < until) {
    calls = (await get<{ calls: ApiCall[] }>(c, '/api/calls?limit=100')).calls;
    if (calls.length >= expected) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  say(`   The box sent each call over MQTT as it ended; the indexer acknowledged it, and only then did`);
  say(`   the box let it leave its outbox. \`GET ${c.apiUrl}/api/calls\` now lists ${calls.length}:`);
  for (const call of [...calls].reverse()) {
    const notice = call.notice ? `  announcement ${call.notice.status}` : '';
    say(`     ${call.line}  ${hhmmss(call.start)}  ${seconds(call.durationMs).padStart(7)}  ${call.direction.padEnd(8)}  kept until ${new Date(call.expiresAt).toISOString().slice(0, 10)}${notice}`);
  }
  if (someNumber) {
    const spaced = someNumber.replace(/^(\d{3})(\d{3})(\d+)$/, '$1 $2 $3');
    const found = (await get<{ calls: ApiCall[] }>(c, `/api/calls?number=${encodeURIComponent(spaced)}`)).calls;
    say(`   A search by the number "${spaced}" finds ${found.length} call(s): the index holds no numbers, only`);
    say(`   a keyed hash of each (a blind index), so the search works without the numbers lying around.`);
  }
  return calls.length;
}
