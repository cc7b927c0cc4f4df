// A box as the central tests meet it: the recorder CLI has recorded an incoming call from the
// simulated trunk through a real ALSA device, sealed to the controller's key; then a Box serves
// that store (its capture idle) over a real broker, obeying the central command key.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { Box } from '../../src/box/box.js';
import { startSync, type BoxSync } from '../../src/box/sync/start-sync.js';
import { loadConfig } from '../../src/core/config/index.js';
import { makeTrunk } from '../../src/simulate/trunk.js';
import { boxFixture, cli, listRecordings, type BoxFixture, type ListedRecording } from './box-fixture.js';
import type { CentralKeys } from './central.js';
import { idleBinding } from './idle-binding.js';
import { memoryLog } from './log.js';

export interface TrunkBox {
  fixture: BoxFixture;
  box: Box;
  sync: BoxSync;
  /** the call recorded from the trunk */
  call: ListedRecording;
  log: ReturnType<typeof memoryLog>;
  /** stops sync and box (also done at teardown, if not before) */
  stop(): Promise<void>;
}

/** Site `testsite`, box `test-1`; one incoming call of `talkMs` (default 6 s) on line-1. */
export async function trunkBox(t: Test, dir: string, keys: CentralKeys, brokerUrl: string, o: { talkMs?: number } = {}): Promise<TrunkBox> {
  const talkMs = o.talkMs ?? 6000;
  const trunk = makeTrunk({ rate: 8000, channels: 1, durationMs: talkMs + 8000, calls: [{ line: 0, atMs: 1500, talkMs }] });
  writeFileSync(join(dir, 'trunk.raw'), trunk.audio);
  const fixture = boxFixture({ infile: join(dir, 'trunk.raw'), channels: 1, dir, extraYaml: 'vox: { hangMs: 2000 }\n' });
  writeFileSync(fixture.config, readFileSync(fixture.config, 'utf8').replace(/publicKey: [^ }]+/, `publicKey: ${keys.controllerPub}`));
  const recorded = cli(fixture, ['record', '--config', fixture.config, '--duration', String((talkMs + 8000) / 1000)]);
  if (recorded.status !== 0) throw new Error(`the recorder failed: ${recorded.stderr}`);
  const [call] = listRecordings(fixture);
  if (!call) throw new Error('the recorder recorded no call from the trunk');

  writeFileSync(fixture.config, readFileSync(fixture.config, 'utf8') + `mqtt: { url: "${brokerUrl}", commandKeys: [${keys.commandPub}], keepaliveS: 5, reconnectMaxS: 1 }\n`);
  const config = await loadConfig(fixture.config);
  const log = memoryLog();
  const box = await Box.start({ config, sealTo: keys.sealTo, log: log.log, binding: idleBinding });
  const sync = await startSync(box, config.mqtt!, { site: 'testsite', box: 'test-1', clock: { now: () => Date.now() }, log: log.log });
  let up = true;
  const stop = async () => {
    if (!up) return;
    up = false;
    await sync.stop();
    await box.stop();
  };
  t.teardown(stop);
  return { fixture, box, sync, call, log, stop };
}
