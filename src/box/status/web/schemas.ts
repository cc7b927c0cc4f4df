// Request and response schemas. Bodies are refused when they hold anything unexpected; answers
// are serialised through their schema, so a field nobody declared (a number, a recording id)
// cannot slip into JSON even if a view object ever grew one.

const csrfField = { type: 'string', maxLength: 256 } as const;

/** Forms with no fields of their own: logout, LED test, capture restart. */
export const emptyForm = {
  type: 'object',
  properties: { _csrf: csrfField },
  additionalProperties: false,
} as const;

export const loginForm = {
  type: 'object',
  required: ['name', 'password'],
  properties: {
    _csrf: csrfField,
    name: { type: 'string', minLength: 1, maxLength: 128 },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
  additionalProperties: false,
} as const;

export const stopForm = {
  type: 'object',
  required: ['line'],
  properties: { _csrf: csrfField, line: { type: 'string', minLength: 1, maxLength: 64 } },
  additionalProperties: false,
} as const;

export const loginQuery = {
  type: 'object',
  properties: { m: { type: 'string', maxLength: 16 } },
} as const;

export const actionAnswer = {
  type: 'object',
  required: ['ok', 'message'],
  properties: { ok: { type: 'boolean' }, message: { type: 'string' } },
  additionalProperties: false,
} as const;

const str = { type: 'string' } as const;
const num = { type: 'number' } as const;
const int = { type: 'integer' } as const;
const obj = (properties: Record<string, unknown>, required: string[] = Object.keys(properties)) =>
  ({ type: 'object', properties, required, additionalProperties: false }) as const;

export const healthAnswer = obj({
  ok: { type: 'boolean' },
  recording: int,
  alarms: { type: 'array', items: str },
  capture: str,
  mqtt: { type: 'string', enum: ['up', 'down', 'none'] },
  backlog: int,
});

export const statusAnswer = obj(
  {
    ts: num,
    box: obj({ id: str, site: str }),
    version: str,
    uptimeS: int,
    summary: obj({ level: str, text: str }),
    recording: int,
    lines: {
      type: 'array',
      items: obj({ id: str, state: str, words: str, since: num, level: num, lastCallEnd: num, lastCall: str }, ['id', 'state', 'words', 'level', 'lastCall']),
    },
    capture: obj({ state: str, overruns: int, shortReads: int, gapsMs: int }),
    sync: obj({ state: str, backlog: int, lastSyncAt: num }, ['state', 'backlog']),
    disk: obj({ freeBytes: num, totalBytes: num, usedPercent: num, daysLeft: num, level: str }, ['freeBytes', 'totalBytes', 'usedPercent', 'level']),
    cpu: obj({ load1: num, temperatureC: num }, ['load1']),
    memory: obj({ rssBytes: num, freeBytes: num, totalBytes: num }),
    clock: obj({ synced: { type: 'boolean' } }, []),
    alarms: {
      type: 'array',
      items: obj({ kind: str, severity: str, title: str, message: str, since: num, sinceText: str, todo: str }),
    },
    refusedCalls: int,
    fields: { type: 'object', additionalProperties: str },
  },
);
