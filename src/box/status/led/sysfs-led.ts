// The status LED through the Linux LED class, by plain file writes under /sys/class/leds/<name>/.
// The kernel facts this relies on, with their sources, are in docs/led.md ("What the kernel does").
import { constants } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { LedShow } from './pattern.js';

/** How the LED files are read and written; tests wrap the real one in a fake kernel. */
export interface SysfsIo {
  read(path: string): Promise<string>;
  write(path: string, text: string): Promise<void>;
}

export const realSysfsIo: SysfsIo = {
  read: (path) => readFile(path, 'utf8'),
  async write(path, text) {
    // No O_CREAT: an attribute the kernel has not made (delay_on before `timer` is selected)
    // must fail as it does in sysfs, not turn up as a plain file that hides the mistake. O_TRUNC
    // is what `echo v > file` does; sysfs ignores it, a plain file needs it.
    const h = await open(path, constants.O_WRONLY | constants.O_TRUNC);
    try {
      await h.write(text);
    } finally {
      await h.close();
    }
  },
};

/** [delay_on, delay_off] in ms of each pattern shown by the kernel's `timer` trigger. */
export const TIMER_MS = Object.freeze({
  'slow-blink': [1000, 1000],
  'fast-blink': [100, 100],
  // Twice the rate of the fault blink: a flicker no status uses, so the technician who pressed
  // "LED test" can tell this box's LED from its neighbours' whatever the box's state.
  test: [50, 50],
  // Used only where the kernel has no `heartbeat` trigger: one short flash a second, unlike both
  // the long on-phase of slow blink and the even fast blink.
  heartbeat: [100, 900],
} as const satisfies Record<string, readonly [number, number]>);

/**
 * Waits after selecting `timer` before the delay files may be written: the kernel makes them
 * owned by root, and the udev rule's chgrp runs on the change event a moment later.
 */
const SETTLE_MS: readonly number[] = [10, 20, 40, 80, 160, 320];

type WarnKind = 'missing' | 'permission' | 'error';

export interface SysfsLedOptions {
  /** the LED class folder, /sys/class/leds */
  root: string;
  /** LEDs under `root` that all show the same pattern */
  names: readonly string[];
  log: Logger;
  io?: SysfsIo;
  /** injected so that tests never sleep */
  sleep?: (ms: number) => Promise<void>;
}

/** The triggers a `trigger` file lists, and the selected one (in brackets). */
export function parseTriggers(text: string): { current: string | undefined; available: Set<string> } {
  let current: string | undefined;
  const available = new Set<string>();
  for (const word of text.split(/\s+/)) {
    if (!word) continue;
    const m = /^\[(.+)\]$/.exec(word);
    if (m) current = m[1]!;
    available.add(m ? m[1]! : word);
  }
  return { current, available };
}

/**
 * One or more LEDs showing one pattern. A missing LED or a file the service may not write is a
 * warning, logged once per LED and kind, never an exception: the box records calls with or
 * without its light, and the LED is tried again on every later apply (it may appear, udev may
 * catch up). Files are written only when the pattern an LED shows changes.
 */
export class SysfsLed {
  private readonly io: SysfsIo;
  private readonly sleep: (ms: number) => Promise<void>;
  /** what each LED was last seen to show, undefined after a failed apply */
  private readonly shown = new Map<string, LedShow | undefined>();
  /** failures already logged, per LED; cleared once the LED works again */
  private readonly warned = new Map<string, Set<WarnKind>>();
  /** what the kernel lacks, logged once per LED for the life of the process */
  private readonly noted = new Set<string>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly o: SysfsLedOptions) {
    this.io = o.io ?? realSysfsIo;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Shows `p` on every LED. Never rejects; calls run one after another in call order. */
  apply(p: LedShow): Promise<void> {
    const run = this.queue.then(async () => {
      await Promise.all(this.o.names.map((n) => this.applyOne(n, p)));
    });
    this.queue = run.catch(() => {});
    return this.queue;
  }

  /** What an LED shows as far as this object knows; undefined before the first success. */
  showing(name: string): LedShow | undefined {
    return this.shown.get(name);
  }

  private async applyOne(name: string, p: LedShow): Promise<void> {
    if (this.shown.get(name) === p) return;
    this.shown.set(name, undefined);
    try {
      await this.show(name, p);
      this.shown.set(name, p);
      if (this.warned.get(name)?.size) {
        this.warned.delete(name);
        this.o.log.info({ led: name, pattern: p }, `status LED ${name} works again`);
      }
    } catch (err) {
      await this.failed(name, err as NodeJS.ErrnoException);
    }
  }

  private async show(name: string, p: LedShow): Promise<void> {
    const dir = join(this.o.root, name);
    const file = (f: string) => join(dir, f);
    const { current, available } = parseTriggers(await this.io.read(file('trigger')));
    const select = async (trigger: string): Promise<boolean> => {
      if (current === trigger) return false;
      await this.io.write(file('trigger'), trigger);
      return true;
    };

    if (p === 'off') {
      await select('none');
      await this.io.write(file('brightness'), '0');
      return;
    }
    if (p === 'steady') {
      // default-on reads back in `trigger` as what the LED shows; where the kernel lacks it, `none`
      // at full brightness looks the same.
      await select(available.has('default-on') ? 'default-on' : 'none');
      const max = Number.parseInt((await this.io.read(file('max_brightness'))).trim(), 10);
      await this.io.write(file('brightness'), String(Number.isInteger(max) && max > 0 ? max : 1));
      return;
    }
    if (p === 'heartbeat' && available.has('heartbeat')) {
      await select('heartbeat');
      return;
    }
    if (p === 'heartbeat') this.note(name, 'heartbeat', 'info', `the kernel has no heartbeat trigger for LED ${name}: showing one short flash a second (timer ${TIMER_MS.heartbeat.join('/')} ms) instead`);
    const timer = TIMER_MS[p];

    if (!available.has('timer')) {
      // Without the timer trigger nothing can blink; off at least never passes for healthy.
      this.note(name, 'timer', 'warn', `the kernel has no timer trigger for LED ${name}, so it cannot blink: it stays off (build the image with CONFIG_LEDS_TRIGGER_TIMER)`);
      await select('none');
      await this.io.write(file('brightness'), '0');
      return;
    }
    const selected = await select('timer');
    await this.writeDelays(file, timer, selected);
  }

  private async writeDelays(file: (f: string) => string, [on, off]: readonly [number, number], justSelected: boolean): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        // Both values stay non-zero throughout, so no write passes through the kernel's "0 and 0
        // means its default 500/500" case, whatever order they land in.
        await this.io.write(file('delay_on'), String(on));
        await this.io.write(file('delay_off'), String(off));
        return;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const wait = SETTLE_MS[attempt];
        if (!justSelected || wait === undefined || (code !== 'EACCES' && code !== 'EPERM')) throw err;
        await this.sleep(wait);
      }
    }
  }

  private async failed(name: string, err: NodeJS.ErrnoException): Promise<void> {
    const dir = join(this.o.root, name);
    const where = { led: name, path: dir, code: err.code, err: err.message };
    if (err.code === 'ENOENT' && !(await exists(dir))) {
      this.warnOnce(name, 'missing', where, `status LED ${name} not found in ${this.o.root}: check led.names in the config against ls ${this.o.root}; the box keeps trying`);
    } else if (err.code === 'EACCES' || err.code === 'EPERM' || err.code === 'EROFS') {
      this.warnOnce(name, 'permission', where, `may not write status LED ${name} (${err.code}): install image/udev/99-tallennin-leds.rules and run the service in group tallennin (docs/led.md); the box keeps trying`);
    } else {
      this.warnOnce(name, 'error', where, `cannot set status LED ${name}: ${err.message}; the box keeps trying`);
    }
  }

  private warnOnce(name: string, kind: WarnKind, fields: object, msg: string): void {
    let kinds = this.warned.get(name);
    if (!kinds) this.warned.set(name, (kinds = new Set()));
    if (kinds.has(kind)) return;
    kinds.add(kind);
    this.o.log.warn({ led: name, kind, ...fields }, msg);
  }

  private note(name: string, lacks: string, level: 'warn' | 'info', msg: string): void {
    if (this.noted.has(`${name}\0${lacks}`)) return;
    this.noted.add(`${name}\0${lacks}`);
    this.o.log[level]({ led: name, lacks }, msg);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
