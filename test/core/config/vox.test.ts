// lineVox: the box-wide vox settings with a line's own overrides applied.
import t from 'tap';
import { lineVox, parseConfig } from '../../../src/core/config/index.js';

const text = `box: { id: lpr-1, site: lappeenranta }
capture: { device: "hw:1,0", rate: 8000, channels: 2 }
lines:
  - { id: line-1, channel: 0 }
  - { id: line-2, channel: 1, vox: { onDbfs: -30, hangMs: 3000 } }
vox: { offDbfs: -50 }
storage: { path: /var/lib/tallennin }
seal: { publicKey: /etc/tallennin/controller.pub }
`;
const config = parseConfig(text, 'box.yaml', '/etc/tallennin', { canRead: () => undefined });

t.test('a line without overrides gets the box-wide settings, defaults included', async (t) => {
  t.same(lineVox(config, 'line-1'), { onDbfs: -40, offDbfs: -50, attackMs: 200, hangMs: 8000, leadMs: 300 });
});

t.test('a line with overrides gets them on top of the box-wide settings', async (t) => {
  const vox = lineVox(config, 'line-2');
  t.same(vox, { onDbfs: -30, offDbfs: -50, attackMs: 200, hangMs: 3000, leadMs: 300 });
  t.ok(Object.isFrozen(vox));
  t.same(config.lines[1]!.vox, { onDbfs: -30, hangMs: 3000 }, 'the config keeps only what the file says');
});

t.test('an unknown line id is a programming error', async (t) => {
  t.throws(() => lineVox(config, 'line-9'), RangeError);
});

t.test('an override that only raises offDbfs is checked against the box-wide onDbfs', async (t) => {
  const bad = text.replace('vox: { onDbfs: -30, hangMs: 3000 }', 'vox: { offDbfs: -35 }').replace('vox: { offDbfs: -50 }', 'vox: { onDbfs: -38 }');
  t.throws(() => parseConfig(bad, 'box.yaml', '/etc/tallennin', { canRead: () => undefined }), {
    code: 'TAL_CONFIG_INVALID',
    message: /^config box\.yaml: lines\[1\]\.vox\.offDbfs: -35 must be below vox\.onDbfs \(-38\)/,
  });
});

t.test('an override that lowers onDbfs under the inherited offDbfs is reported on onDbfs', async (t) => {
  const bad = text.replace('vox: { onDbfs: -30, hangMs: 3000 }', 'vox: { onDbfs: -55 }');
  t.throws(() => parseConfig(bad, 'box.yaml', '/etc/tallennin', { canRead: () => undefined }), {
    message: /^config box\.yaml: lines\[1\]\.vox\.onDbfs: -55 must be above vox\.offDbfs \(-50\)/,
  });
});
