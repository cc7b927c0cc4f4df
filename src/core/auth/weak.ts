// What makes a long-enough password still easy to guess: the first things an attacker tries.
// A short list on purpose; length does most of the work, this catches the obvious padding of
// a famous password up to twelve characters ("Salasana123!").

const WEAK_WORDS = new Set([
  'password', 'salasana', 'salainen', 'secret', 'qwerty', 'letmein', 'welcome', 'tervetuloa',
  'admin', 'administrator', 'root', 'user', 'guest', 'login', 'changeme', 'default', 'iloveyou',
  'monkey', 'dragon', 'master', 'football', 'sunshine', 'princess', 'superman', 'hello',
  'summer', 'winter', 'spring', 'autumn', 'kesä', 'talvi', 'kevät', 'syksy', 'kissa', 'koira',
  'suomi', 'finland', 'helsinki', 'perkele', 'tallennin', 'technician', 'teknikko',
]);

// Runs along the keyboard (Finnish layout) or the alphabet, either way: "123456789012", "asdfghjklöä…".
const RUNS = ['1234567890', 'qwertyuiopåasdfghjklöäzxcvbnm', 'qwertyuiopasdfghjklzxcvbnm', 'abcdefghijklmnopqrstuvwxyzåäö'];

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

/** Why `chars` (a password as graphemes, long enough) is weak, or undefined. */
export function weakness(chars: readonly string[], name?: string): string | undefined {
  const unit = repeatedUnit(chars);
  if (unit === 1) return 'it is one character repeated';
  if (unit !== undefined) return `it is the same ${unit} characters repeated`;

  const lower = chars.join('').toLowerCase();
  const core = [...lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')].map((c) => LEET[c] ?? c).join('');
  for (const part of nameParts(name)) {
    if (lower.includes(part) || core.includes(part)) {
      return part === name?.toLowerCase() ? 'it contains the account name' : `it contains "${part}", a part of the account name`;
    }
  }
  if (WEAK_WORDS.has(core) || [...WEAK_WORDS].some((w) => core.length > w.length && core === w.repeat(core.length / w.length))) {
    return 'it is a well-known weak password (or one with digits or symbols added)';
  }
  if (RUNS.some((run) => isRun(lower, run) || isRun(lower, [...run].reverse().join('')))) {
    return 'it is a run of neighbouring keys, letters or digits';
  }
  return undefined;
}

/** The length of the shortest unit (1–4 characters) the whole password repeats, if any. */
function repeatedUnit(chars: readonly string[]): number | undefined {
  for (let n = 1; n <= 4 && n * 2 <= chars.length; n += 1) {
    if (chars.length % n === 0 && chars.every((c, i) => c === chars[i % n])) return n;
  }
  return undefined;
}

// A name of one or two letters would refuse half of all passwords; parts like "matti" in
// "matti-virtanen" are what a person reaches for first.
function nameParts(name: string | undefined): string[] {
  if (!name) return [];
  const lower = name.toLowerCase();
  const parts = lower.length >= 3 ? [lower] : [];
  for (const part of lower.split(/[^\p{L}\p{N}]+/u)) if (part.length >= 4 && part !== lower) parts.push(part);
  return parts;
}

function isRun(text: string, run: string): boolean {
  return run.repeat(Math.ceil(text.length / run.length) + 1).includes(text);
}
