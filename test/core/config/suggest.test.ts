import t from 'tap';
import { editDistance, suggest } from '../../../src/core/config/suggest.js';
import { formatPath } from '../../../src/core/config/messages.js';

t.test('edit distance counts insertions, deletions, substitutions and swaps', async (t) => {
  t.equal(editDistance('channels', 'channels'), 0);
  t.equal(editDistance('chanels', 'channels'), 1);
  t.equal(editDistance('rtae', 'rate'), 1);
  t.equal(editDistance('devcie', 'device'), 1);
  t.equal(editDistance('voks', 'vox'), 2);
  t.equal(editDistance('', 'abc'), 3);
});

t.test('suggest picks the closest known key within distance 2', async (t) => {
  const keys = ['device', 'rate', 'channels', 'periodMs'];
  t.equal(suggest('chanels', keys), 'channels');
  t.equal(suggest('Rate', keys), 'rate');
  t.equal(suggest('periodms', keys), 'periodMs');
  t.equal(suggest('period', keys), 'periodMs', 'distance 2 still suggests');
  t.equal(suggest('perio', keys), undefined, 'distance 3 does not');
  t.equal(suggest('colour', keys), undefined);
  t.equal(suggest('x', ['id']), undefined, 'a short word is not corrected into an unrelated one');
  t.equal(suggest('foo', ['vox']), undefined);
});

t.test('paths read the way they are written', async (t) => {
  t.equal(formatPath(['lines', 1, 'channel']), 'lines[1].channel');
  t.equal(formatPath(['capture', 'a b']), 'capture["a b"]');
  t.equal(formatPath([]), '');
});
