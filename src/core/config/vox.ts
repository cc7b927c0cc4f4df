import type { Config, VoxSettings } from './types.js';

/** The vox settings of one line: the box-wide `vox` section with the line's own `vox`
 *  overrides applied. The load already checked that offDbfs is below onDbfs for every line.
 *  Throws RangeError for a line id that is not in the config (a programming error). */
export function lineVox(config: Config, lineId: string): VoxSettings {
  const line = config.lines.find((l) => l.id === lineId);
  if (!line) throw new RangeError(`no line with id ${JSON.stringify(lineId)} in the config`);
  return Object.freeze({ ...config.vox, ...line.vox });
}
