import { DEFAULTS } from './schema.js';
import type { ClipMode, Config, SignalSourceType } from './types.js';

/** What a line hears and is told about its calls, beyond its audio level. */
export interface LineSignalling {
  /** How the line's caller ID is sent; `off`: not listened for. */
  readonly clip: ClipMode;
  /** A busy or congestion tone from the far end ends the call. */
  readonly farEndTones: boolean;
  /** The serial source that reports this line, if any. */
  readonly source?: SignalSourceType;
  /** A line unit or the ISDN D-channel reports this line's hook state (answer, hang-up), so
   *  VOX silence alone does not end a call. A modem only reports rings and caller ID. */
  readonly hookSignalling: boolean;
}

/** The signalling of one line: its own `clip` and `farEndTones`, else their defaults, and
 *  whether a serial source reports it. Throws RangeError for a line id that is not in the
 *  config (a programming error). */
export function lineSignalling(config: Config, lineId: string): LineSignalling {
  const line = config.lines.find((l) => l.id === lineId);
  if (!line) throw new RangeError(`no line with id ${JSON.stringify(lineId)} in the config`);
  const source = config.signals.find((s) => Object.values(s.lines).includes(lineId))?.type;
  return Object.freeze({
    clip: line.clip ?? DEFAULTS.lines.clip,
    farEndTones: line.farEndTones ?? DEFAULTS.lines.farEndTones,
    ...(source ? { source } : {}),
    hookSignalling: source === 'line-unit' || source === 'isdn',
  });
}
