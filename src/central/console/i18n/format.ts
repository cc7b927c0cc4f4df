// Times, numbers and durations as the console shows them: always Finnish time (Europe/Helsinki,
// like retention), whatever the language. Finnish and English have fixed shapes (d.M.yyyy HH.mm;
// yyyy-MM-dd HH:mm); a language added later gets its own Finland locale's shape from Intl.
import { RETENTION_TIME_ZONE } from '../../../core/retention/index.js';

/** Retention's zone: a day on a page is the day an expiry is computed in. */
export const TIME_ZONE = RETENTION_TIME_ZONE;

export interface Formats {
  /** 28.11.2026 09.05 (fi), 2026-11-28 09:05 (en) */
  dateTime(ms: number): string;
  /** 28.11.2026 (fi), 2026-11-28 (en) */
  date(ms: number): string;
  /** 09.05 (fi), 09:05 (en) */
  time(ms: number): string;
  /** 0,82 (fi), 0.82 (en) */
  decimal(n: number, digits: number): string;
  /** 4 min 12 s, in the catalogue's words */
  duration(ms: number): string;
}

export interface WallParts {
  year: string;
  /** 2 digits, as are the rest */
  month: string;
  day: string;
  hour: string;
  minute: string;
}

const PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

/** The Helsinki wall clock at `ms`. */
export function helsinkiParts(ms: number): WallParts {
  const p = Object.fromEntries(PARTS.formatToParts(ms).map((x) => [x.type, x.value]));
  return { year: p['year']!, month: p['month']!, day: p['day']!, hour: p['hour']!, minute: p['minute']! };
}

type Say = (key: string, params: Record<string, number>) => string;

function durationWith(say: Say) {
  return (ms: number): string => {
    const s = Math.max(0, Math.round(ms / 1000));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    if (h > 0) return say('format.duration.hm', { h, m });
    if (m > 0) return say('format.duration.ms', { m, s: s % 60 });
    return say('format.duration.s', { s });
  };
}

const strip = (two: string) => String(Number(two));

function fixedShape(lang: 'fi' | 'en'): Pick<Formats, 'dateTime' | 'date' | 'time'> {
  if (lang === 'fi') {
    const date = (p: WallParts) => `${strip(p.day)}.${strip(p.month)}.${p.year}`;
    return {
      date: (ms) => date(helsinkiParts(ms)),
      time: (ms) => { const p = helsinkiParts(ms); return `${p.hour}.${p.minute}`; },
      dateTime: (ms) => { const p = helsinkiParts(ms); return `${date(p)} ${p.hour}.${p.minute}`; },
    };
  }
  const date = (p: WallParts) => `${p.year}-${p.month}-${p.day}`;
  return {
    date: (ms) => date(helsinkiParts(ms)),
    time: (ms) => { const p = helsinkiParts(ms); return `${p.hour}:${p.minute}`; },
    dateTime: (ms) => { const p = helsinkiParts(ms); return `${date(p)} ${p.hour}:${p.minute}`; },
  };
}

function intlShape(lang: string): Pick<Formats, 'dateTime' | 'date' | 'time'> | undefined {
  const base = { timeZone: TIME_ZONE, hourCycle: 'h23' } as const;
  let locale: string;
  try {
    locale = new Intl.DateTimeFormat(`${lang}-FI`).resolvedOptions().locale;
  } catch {
    return undefined;
  }
  // ICU without the language falls back to the runtime's default; Finnish shapes are better then.
  if (!locale.toLowerCase().startsWith(lang.toLowerCase())) return undefined;
  const dt = new Intl.DateTimeFormat(locale, { ...base, year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const d = new Intl.DateTimeFormat(locale, { ...base, year: 'numeric', month: 'numeric', day: 'numeric' });
  const tm = new Intl.DateTimeFormat(locale, { ...base, hour: '2-digit', minute: '2-digit' });
  return { dateTime: (ms) => dt.format(ms), date: (ms) => d.format(ms), time: (ms) => tm.format(ms) };
}

export function formatsFor(lang: string, say: Say): Formats {
  const shape = lang === 'fi' || lang === 'en' ? fixedShape(lang) : intlShape(lang) ?? fixedShape('fi');
  let numberLocale = 'fi-FI';
  try {
    const resolved = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : `${lang}-FI`).resolvedOptions().locale;
    if (resolved.toLowerCase().startsWith(lang.toLowerCase())) numberLocale = resolved;
  } catch {
    // a code Intl does not accept: Finnish numbers, as for a language ICU lacks
  }
  return {
    ...shape,
    decimal: (n, digits) => new Intl.NumberFormat(numberLocale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n),
    duration: durationWith(say),
  };
}
