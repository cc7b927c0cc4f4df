// Byte ranges for the <audio> element's seeking: what browsers send, and what must be refused.
import t from 'tap';
import { rangeOf } from '../../../src/central/playback/range.js';

t.test('ranges a browser sends', async (t) => {
  t.same(rangeOf(undefined, 1000), { status: 200, start: 0, end: 999 }, 'no Range: the whole file');
  t.same(rangeOf('bytes=0-', 1000), { status: 206, start: 0, end: 999 }, 'Chromium\'s first request');
  t.same(rangeOf('bytes=500-', 1000), { status: 206, start: 500, end: 999 }, 'a seek');
  t.same(rangeOf('bytes=100-199', 1000), { status: 206, start: 100, end: 199 });
  t.same(rangeOf('bytes=900-5000', 1000), { status: 206, start: 900, end: 999 }, 'an end past the file is the file\'s end');
  t.same(rangeOf('bytes=-100', 1000), { status: 206, start: 900, end: 999 }, 'the last 100 bytes: where the duration is');
  t.same(rangeOf('bytes=-5000', 1000), { status: 206, start: 0, end: 999 });
});

t.test('ranges that cannot be served', async (t) => {
  t.same(rangeOf('bytes=1000-', 1000), { status: 416 }, 'starting at the end');
  t.same(rangeOf('bytes=-0', 1000), { status: 416 }, 'an empty suffix');
  t.same(rangeOf('bytes=0-', 0), { status: 416 }, 'an empty file has no first byte');
  t.same(rangeOf('bytes=200-100', 1000), { status: 200, start: 0, end: 999 }, 'reversed: ignored, as RFC 9110 allows');
  t.same(rangeOf('bytes=0-1,5-9', 1000), { status: 200, start: 0, end: 999 }, 'several ranges: the whole file');
  t.same(rangeOf('items=0-1', 1000), { status: 200, start: 0, end: 999 }, 'another unit');
  t.same(rangeOf('bytes=-', 1000), { status: 200, start: 0, end: 999 });
});
