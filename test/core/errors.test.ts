import t from 'tap';
import { readFileSync } from 'node:fs';
import { errorCodes, TalError, isTalError } from '../../src/core/errors.js';

t.test('every code is documented in docs/errors.md with the same meaning, and nothing more', async (t) => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const rows = [...doc.matchAll(/^\| `(TAL_[A-Z_]+)` \| (.+?) \|$/gm)].map((m) => [m[1], m[2]]);
  t.same(Object.fromEntries(rows), errorCodes);
});

t.test('TalError carries its code', async (t) => {
  const e = new TalError('TAL_USAGE', 'bad');
  t.equal(e.code, 'TAL_USAGE');
  t.ok(isTalError(e, 'TAL_USAGE'));
  t.notOk(isTalError(e, 'TAL_CONFIG_INVALID'));
  t.notOk(isTalError(new Error('x')));
});
