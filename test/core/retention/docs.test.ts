// Recomputes every example in docs/retention.md, so the page the DPO reads and the code agree.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { effectiveExpiry, expiryOf, holdUntil, MAX_RETENTION_MONTHS, DEFAULT_RETENTION_MONTHS } from '../../../src/core/retention/index.js';

const doc = readFileSync(new URL('../../../docs/retention.md', import.meta.url), 'utf8');

/** The body rows of the first table after the heading `heading`, as trimmed cells. */
function tableAfter(heading: string): string[][] {
  const from = doc.indexOf(`\n## ${heading}\n`);
  if (from < 0) throw new Error(`no heading ${heading}`);
  const lines = doc.slice(from).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').slice(1, -1).map((c) => c.trim()));
  }
  return rows;
}

/** "2026-05-10 14:25 (UTC+3)" → ms */
function when(cell: string): number {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d) \(UTC\+(\d)\)$/.exec(cell);
  if (!m) throw new Error(`not a time: ${cell}`);
  return Date.parse(`${m[1]}T${m[2]}:00+0${m[3]}:00`);
}
const months = (cell: string): number => {
  const m = /^(\d+) months?$/.exec(cell);
  if (!m) throw new Error(`not a period: ${cell}`);
  return Number(m[1]);
};
const show = (ms: number) => new Date(ms).toISOString();

t.test('the rules state the numbers the code uses', async (t) => {
  t.match(doc, `kept for ${DEFAULT_RETENTION_MONTHS} calendar months`);
  t.match(doc, `past ${MAX_RETENTION_MONTHS} calendar months`);
  t.match(doc, 'from 1 to 12 months');
});

t.test('examples: the deletion date', async (t) => {
  const rows = tableAfter('Examples: the deletion date');
  t.ok(rows.length >= 10, `${rows.length} rows`);
  for (const [start, kept, deleted, why] of rows) {
    t.equal(show(expiryOf(when(start!), months(kept!))), show(when(deleted!)), `${start} + ${kept}: ${why}`);
  }
});

t.test('examples: holds', async (t) => {
  const rows = tableAfter('Examples: holds');
  t.ok(rows.length >= 5, `${rows.length} rows`);
  for (const [start, kept, asked, keeps, clamped, deleted] of rows) {
    const s = when(start!);
    const retentionMonths = months(kept!);
    const holds = [];
    if (asked === 'none') {
      t.equal(keeps, '');
      t.equal(clamped, '');
    } else {
      const h = holdUntil(s, when(asked!));
      t.equal(show(h.until), show(when(keeps!)), `${start}: hold asked until ${asked}`);
      t.equal(h.clamped ? 'yes' : 'no', clamped, `${start}: hold asked until ${asked} clamped?`);
      holds.push({ until: h.until });
    }
    t.equal(show(effectiveExpiry({ start: s, retentionMonths, holds })), show(when(deleted!)), `${start}, ${kept}, hold ${asked}: deleted`);
  }
});
