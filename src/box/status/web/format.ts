// Words and numbers as the technician reads them: clock times in the box's own time zone
// (Helsinki, like retention), durations and sizes rounded to what a glance needs.

export const DEFAULT_TIME_ZONE = 'Europe/Helsinki';

export interface Formats {
  /** HH:MM:SS when on the same day as `now`, else YYYY-MM-DD HH:MM */
  time(ms: number, now: number): string;
  /** HH:MM:SS */
  clock(ms: number): string;
}

export function formats(timeZone: string = DEFAULT_TIME_ZONE): Formats {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  });
  const split = (ms: number) => {
    const p = Object.fromEntries(parts.formatToParts(ms).map((x) => [x.type, x.value]));
    return { day: `${p.year}-${p.month}-${p.day}`, clock: `${p.hour}:${p.minute}:${p.second}`, hm: `${p.hour}:${p.minute}` };
  };
  return {
    clock: (ms) => split(ms).clock,
    time: (ms, now) => {
      const at = split(ms);
      return at.day === split(now).day ? at.clock : `${at.day} ${at.hm}`;
    },
  };
}

/** "3 d 4 h", "2 h 5 min", "4 min", "12 s" */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

/** SI sizes, as the storage messages use them: "1.2 GB", "830 MB" */
export function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}
