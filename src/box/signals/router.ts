import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { SignalSourceConfig } from '../../core/config/index.js';
import { DChannel, type DChannelFrame } from './dchannel.js';
import { HayesModem } from './hayes-modem.js';
import { IsdnCalls } from './isdn-calls.js';
import { q931Events } from './q931.js';
import type { HayesRecord } from './hayes-parser.js';
import { SerialSource } from './serial-source.js';
import type { UntimedInput } from '../line/call-fsm.js';
import { hayesInput, whozzInput } from './to-line-input.js';
import { WhozzParser } from './whozz-parser.js';
import type { WhozzRecord } from './whozz-format.js';

/** Where a source's records go: the line with that id, stamped with its own capture time. */
export type Deliver = (lineId: string, input: UntimedInput) => void;

export interface RunningSource {
  readonly config: SignalSourceConfig;
  /** records for a line the source's map does not name: counted, never guessed */
  unmapped: number;
  close(): Promise<void>;
}

/**
 * Opens every configured serial signalling source and routes its records to lines by the
 * source's line map. A source that cannot be opened keeps retrying (SerialSource); its lines
 * keep recording by their audio meanwhile.
 */
export function startSignalSources(sources: readonly SignalSourceConfig[], deliver: Deliver, log: Logger, clock: Clock): RunningSource[] {
  return sources.map((config) => {
    const running: RunningSource = { config, unmapped: 0, close: async () => {} };
    const route = (key: string, input: UntimedInput | undefined) => {
      if (!input) return;
      const lineId = config.lines[key];
      if (lineId === undefined) {
        running.unmapped++;
        log.warn({ source: config.type, port: config.port, unitLine: key }, 'signal for a line not in the source\'s line map; ignored');
        return;
      }
      deliver(lineId, input);
    };
    const slog = log.child({ source: config.type, port: config.port });
    switch (config.type) {
      case 'line-unit': {
        const parser = new WhozzParser({ log: slog });
        const port = new SerialSource({ path: config.port, baudRate: config.baud, log: slog, parser });
        port.on('record', (r: WhozzRecord) => route(String(r.unitLine), whozzInput(r)));
        port.start();
        running.close = () => port.close();
        break;
      }
      case 'modem': {
        const modem = new HayesModem({ log: slog, clock });
        const port = new SerialSource({ path: config.port, baudRate: config.baud, log: slog });
        port.on('open', (p) => modem.attach(p));
        port.on('lost', () => modem.detach('port-lost'));
        modem.on('record', (r: HayesRecord) => route('1', hayesInput(r)));
        port.start();
        running.close = async () => {
          modem.detach('closing');
          await port.close();
        };
        break;
      }
      case 'isdn':
        startIsdn(config, route, slog, running);
        break;
    }
    return running;
  });
}

function startIsdn(config: SignalSourceConfig, route: (key: string, input: UntimedInput | undefined) => void, log: Logger, running: RunningSource): void {
  const parser = new DChannel();
  const calls = new IsdnCalls();
  const port = new SerialSource({ path: config.port, baudRate: config.baud, log, parser });
  port.on('record', (frame: DChannelFrame) => {
    for (const e of q931Events(frame)) for (const { key, input } of calls.onEvent(e)) route(key, input);
  });
  port.start();
  running.close = () => port.close();
}
