// The date inputs speak Helsinki wall-clock time, through winter, summer and both changes of time.
import t from 'tap';
import { localDateValue, localInputValue, parseLocalInput } from '../../../src/central/console/pages/form-values.js';

t.test('datetime-local values are Helsinki time', async (t) => {
  t.equal(parseLocalInput('2026-11-28T09:05'), Date.UTC(2026, 10, 28, 7, 5), 'winter: UTC+2');
  t.equal(parseLocalInput('2026-07-01T12:00'), Date.UTC(2026, 6, 1, 9, 0), 'summer: UTC+3');
  t.equal(parseLocalInput('2026-11-28'), Date.UTC(2026, 10, 27, 22, 0), 'a date is its midnight');
  t.equal(localInputValue(Date.UTC(2026, 10, 28, 7, 5)), '2026-11-28T09:05');
  t.equal(localDateValue(Date.UTC(2026, 6, 15, 21, 30)), '2026-07-16', 'past midnight in Helsinki');
  for (const text of ['2026-01-05T00:00', '2026-03-29T02:59', '2026-03-29T04:00', '2026-10-25T02:30', '2026-10-25T05:00', '2024-02-29T23:59']) {
    t.equal(localInputValue(parseLocalInput(text)!), text, `${text} round trip`);
  }
});

t.test('the changes of time', async (t) => {
  // 29.3.2026 the clock jumps 03.00 → 04.00: 03.30 does not exist; the first instant after the gap.
  t.equal(parseLocalInput('2026-03-29T03:30'), Date.UTC(2026, 2, 29, 1, 0));
  t.equal(localInputValue(Date.UTC(2026, 2, 29, 1, 0)), '2026-03-29T04:00');
  // 25.10.2026 the clock goes back 04.00 → 03.00: 03.30 happens twice; the first is taken.
  t.equal(parseLocalInput('2026-10-25T03:30'), Date.UTC(2026, 9, 25, 0, 30));
});

t.test('what is not a real date and time is refused', async (t) => {
  for (const text of ['', '2026-02-29T10:00', '2026-13-01', '2026-11-28T24:00', '2026-11-28T09:60', '2026-11-28 09:05', '28.11.2026', '2026-11-28T09:05:00', '2026-11-28T09:05Z']) {
    t.equal(parseLocalInput(text), undefined, JSON.stringify(text));
  }
});
