import t from 'tap';
import { BLIND_HEX, blindIndex, normaliseNumber } from '../../../src/central/index/numbers.js';

t.test('every common spelling of a Finnish number comes out the same', async (t) => {
  for (const raw of ['040 123 4567', '040-123 4567', '(040) 1234567', '040.123.4567', '+358 40 123 4567', '+358401234567', '00358 40 1234567', '+358 (0)40 123 4567', ' 0401234567 ', '040\u00a0123\u20134567']) {
    t.equal(normaliseNumber(raw), '+358401234567', raw);
  }
  t.equal(normaliseNumber('09 310 1691'), '+35893101691', 'a landline with its area code');
  t.equal(normaliseNumber('0800 123 456'), '+358800123456', 'a freephone number is a national number');
});

t.test('foreign numbers keep their country code; the home country is configurable', async (t) => {
  t.equal(normaliseNumber('+46 8 123 456 78'), '+46812345678');
  t.equal(normaliseNumber('0046 8 12345678'), '+46812345678');
  t.equal(normaliseNumber('08 123 456 78', '46'), '+46812345678', 'a national number in Sweden');
  t.throws(() => normaliseNumber('040 1234567', '0358'), { name: 'TypeError', message: /countryCode/ });
});

t.test('service numbers and extensions stay as dialled', async (t) => {
  t.equal(normaliseNumber('112'), '112');
  t.equal(normaliseNumber('116 117'), '116117');
  t.equal(normaliseNumber('4321'), '4321');
});

t.test('empty strings and garbage are not numbers', async (t) => {
  for (const raw of ['', '   ', '-', '+', '00', '0', '040 123 456x', 'anonymous', 'P', '++358401234567', '358+401234567', '+0401234567', '00 0401234567', '+358 1', '040', '1234567890123456', '+1234567890123456', '040/12#34']) {
    t.equal(normaliseNumber(raw), undefined, JSON.stringify(raw));
  }
  t.equal(normaliseNumber(undefined as unknown as string), undefined, 'not a string');
});

t.test('the blind index is keyed, fixed width, and needs the normalised number', async (t) => {
  const key = Buffer.alloc(32, 1);
  const b = blindIndex(key, '+358401234567');
  t.match(b, new RegExp(`^[0-9a-f]{${BLIND_HEX}}$`));
  t.equal(blindIndex(key, '+358401234567'), b, 'deterministic');
  t.not(blindIndex(Buffer.alloc(32, 2), '+358401234567'), b, 'another key, another index: a number list cannot be hashed without the key');
  t.not(blindIndex(key, '+358401234568'), b);
  t.equal(blindIndex(key, '112').length, BLIND_HEX);
  t.throws(() => blindIndex(key, '040 123 4567'), { name: 'TypeError', message: /normalised/ }, 'a raw spelling would silently find nothing');
  t.throws(() => blindIndex(Buffer.alloc(8), '112'), { name: 'TypeError', message: /key/ });
});
