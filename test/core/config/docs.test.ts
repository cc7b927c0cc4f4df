// docs/config.md and the schema stay in step: every field is documented, with its default,
// and the examples in it load.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { DEFAULTS, parseConfig } from '../../../src/core/config/index.js';
import { knownKeysAt } from '../../../src/core/config/format-errors.js';
import { configSchema } from '../../../src/core/config/schema.js';

const doc = readFileSync(new URL('../../../docs/config.md', import.meta.url), 'utf8');
const rows = new Map(
  [...doc.matchAll(/^\| `([A-Za-z.[\]]+)` \| (.+?) \| (.+?) \| (.+?) \|$/gm)].map((m) => [m[1]!, { takes: m[2]!, def: m[3]! }]),
);

function schemaFields(): string[] {
  const out: string[] = [];
  for (const section of knownKeysAt(configSchema, [])) {
    if (section === 'lines') {
      for (const key of knownKeysAt(configSchema, ['lines', 0])) out.push(`lines[].${key}`);
    } else {
      for (const key of knownKeysAt(configSchema, [section])) out.push(`${section}.${key}`);
    }
  }
  return out;
}

t.test('every field of the schema has a row in docs/config.md, and nothing more', async (t) => {
  t.same([...rows.keys()].sort(), schemaFields().sort());
});

t.test('the documented defaults are the real ones', async (t) => {
  for (const [section, values] of Object.entries(DEFAULTS)) {
    for (const [key, value] of Object.entries(values)) {
      t.equal(rows.get(`${section}.${key}`)?.def, String(value), `${section}.${key}`);
    }
  }
  const defaulted = new Set(Object.entries(DEFAULTS).flatMap(([s, v]) => Object.keys(v).map((k) => `${s}.${k}`)));
  for (const [field, row] of rows) {
    if (!defaulted.has(field)) t.ok(row.def === 'required' || row.def === 'none', `${field} has no default`);
  }
});

t.test('the YAML examples in docs/config.md load', async (t) => {
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const whole = blocks.filter((b) => b.includes('seal:'));
  t.equal(whole.length, 2, 'the smallest file and the complete example');
  for (const text of whole) {
    const config = parseConfig(text, 'docs/config.md', '/etc/tallennin', { canRead: () => undefined });
    t.equal(config.box.id, 'lpr-1');
  }
});
