// docs/config.md and the schema stay in step: every field is documented, with its default,
// and the examples in it load.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { DEFAULTS, parseConfig } from '../../../src/core/config/index.js';
import { knownKeysAt } from '../../../src/core/config/format-errors.js';
import { configSchema } from '../../../src/core/config/schema.js';

const doc = readFileSync(new URL('../../../docs/config.md', import.meta.url), 'utf8');
const rows = new Map(
  [...doc.matchAll(/^\| `([A-Za-z.[\]]+)` \| (.+?) \| (.+?) \| (.+?) \|$/gm)].map((m) => [m[1]!, { takes: m[2]!, def: m[3]! }]),
);

/** A list section (`lines`, `signals`) documents the fields of its entries: `lines[].id`. */
const isList = (section: string) => knownKeysAt(configSchema, [section]).length === 0;
const prefix = (section: string) => (isList(section) ? `${section}[]` : section);

function schemaFields(): string[] {
  const out: string[] = [];
  for (const section of knownKeysAt(configSchema, [])) {
    const keys = knownKeysAt(configSchema, isList(section) ? [section, 0] : [section]);
    for (const key of keys) out.push(`${prefix(section)}.${key}`);
  }
  return out;
}

/** A default as it is written in YAML: `20`, `info`, `"*0#"`, `["10"]`. */
const asWritten = (value: unknown): string =>
  Array.isArray(value) ? `[${value.map(asWritten).join(', ')}]` : stringify(value).trim();

t.test('every field of the schema has a row in docs/config.md, and nothing more', async (t) => {
  t.same([...rows.keys()].sort(), schemaFields().sort());
});

t.test('the documented defaults are the real ones', async (t) => {
  for (const [section, values] of Object.entries(DEFAULTS)) {
    for (const [key, value] of Object.entries(values)) {
      const field = `${prefix(section)}.${key}`;
      t.equal(rows.get(field)?.def, asWritten(value), field);
    }
  }
  const defaulted = new Set(Object.entries(DEFAULTS).flatMap(([s, v]) => Object.keys(v).map((k) => `${prefix(s)}.${k}`)));
  for (const [field, row] of rows) {
    if (!defaulted.has(field)) t.ok(row.def === 'required' || row.def === 'none', `${field} has no default`);
  }
});

const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
const whole = blocks.filter((b) => b.includes('seal:'));

t.test('the YAML examples in docs/config.md load', async (t) => {
  t.equal(whole.length, 2, 'the smallest file and the complete example');
  for (const text of whole) {
    const config = parseConfig(text, 'docs/config.md', '/etc/tallennin', { canRead: () => undefined });
    t.equal(config.box.id, 'lpr-1');
  }
});

t.test('every partial YAML example loads on top of the smallest file', async (t) => {
  const smallest = parse(whole[0]!) as Record<string, unknown>;
  const parts = blocks.filter((b) => !b.includes('seal:'));
  t.ok(parts.length >= 3, 'lines, signals and call examples');
  for (const part of parts) {
    const text = stringify({ ...smallest, ...(parse(part) as Record<string, unknown>) });
    t.doesNotThrow(() => parseConfig(text, 'docs/config.md', '/etc/tallennin', { canRead: () => undefined }), part);
  }
});
