// The box's status (the retained `status` topic and the status page's health): it says how many
// months the box keeps new recordings now (R4), the config's or what `set-retention` set since;
// the privacy notice at the centre is rendered from it (R14).
import t, { type Test } from 'tap';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Box } from '../../../src/box/box.js';
import { boxStatus } from '../../../src/box/sync/status.js';
import { loadConfig } from '../../../src/core/config/index.js';
import { boxFixture } from '../../helpers/box-fixture.js';
import { idleBinding } from '../../helpers/idle-binding.js';
import { memoryLog } from '../../helpers/log.js';
import { sealingKeys } from '../../helpers/sealed-recording.js';

async function startBox(t: Test, extraYaml = '') {
  const f = boxFixture({ infile: '/dev/null', channels: 1 });
  t.teardown(() => rmSync(f.dir, { recursive: true, force: true }));
  if (extraYaml) writeFileSync(f.config, readFileSync(f.config, 'utf8') + extraYaml);
  const config = await loadConfig(f.config);
  const box = await Box.start({ config, sealTo: sealingKeys().sealTo, log: memoryLog().log, binding: idleBinding });
  t.teardown(() => box.stop());
  return box;
}

const status = (box: Box) => boxStatus(box, box.store.outbox, Date.now(), { synced: async () => true });

t.test('the status says the retention: the default, then what set-retention set', async (t) => {
  const box = await startBox(t);
  t.equal((await status(box)).retentionMonths, 2, 'the default 2 months');
  await box.setRetentionMonths(5, 'central:aino');
  t.equal((await status(box)).retentionMonths, 5, 'after set-retention: 5');
});

t.test('the status says the configured retention', async (t) => {
  const box = await startBox(t, 'retention: { months: 3 }\n');
  t.match(await status(box), { retentionMonths: 3, announcement: 'off', lines: [{ id: 'line-1', state: 'idle' }] });
});
