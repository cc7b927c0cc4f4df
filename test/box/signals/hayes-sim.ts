// A voice modem for tests: answers AT commands as a Rockwell-family chip does, prints caller ID
// in formatted presentation once enabled, and can be reset or go dead.

export interface ModemSimOptions {
  /** answer AT+VCID=1 with ERROR, so the driver must fall back to AT#CID=1 */
  vcid?: boolean;
  /** answer AT#CID=1 with ERROR too */
  hashCid?: boolean;
  banner?: string;
}

export class ModemSim {
  echo = true;
  cid = false;
  /** a dead modem reads nothing and answers nothing */
  dead = false;
  readonly commands: string[] = [];
  private buf = '';

  constructor(
    private readonly write: (s: string) => void,
    private readonly o: ModemSimOptions = {},
  ) {}

  input(chunk: Buffer | string): void {
    if (this.dead) return;
    for (const ch of chunk.toString('latin1')) {
      if (ch === '\r') {
        const cmd = this.buf.trim();
        this.buf = '';
        if (cmd) this.command(cmd);
      } else if (ch !== '\n') {
        this.buf += ch;
      }
    }
  }

  private command(cmd: string): void {
    this.commands.push(cmd);
    if (this.echo) this.write(cmd + '\r');
    const u = cmd.toUpperCase();
    let ok = true;
    if (u === 'ATZ') {
      this.echo = true;
      this.cid = false;
    } else if (u === 'ATE0V1') this.echo = false;
    else if (u === 'AT+VCID=1') ok = this.o.vcid ?? false;
    else if (u === 'AT#CID=1') ok = this.o.hashCid ?? true;
    else if (u !== 'AT') ok = false;
    if (ok && (u === 'AT+VCID=1' || u === 'AT#CID=1')) this.cid = true;
    this.write(ok ? '\r\nOK\r\n' : '\r\nERROR\r\n');
  }

  /** Power-cycle: settings lost, echo back on, a banner printed. */
  reset(banner = this.o.banner ?? 'SIM56 V.92 VOICE MODEM REV 1.0'): void {
    this.echo = true;
    this.cid = false;
    this.buf = '';
    if (banner) this.write(`\r\n${banner}\r\n`);
  }

  /** The lines of one incoming call up to the second ring. */
  callLines(c: { number?: string; name?: string; date?: string; time?: string }): string[] {
    const lines = ['RING', ''];
    if (this.cid) {
      lines.push(`DATE = ${c.date ?? '0321'}`, `TIME = ${c.time ?? '1405'}`);
      if (c.number !== undefined) lines.push(`NMBR = ${c.number}`);
      if (c.name !== undefined) lines.push(`NAME = ${c.name}`);
      lines.push('');
    }
    lines.push('RING');
    return lines;
  }

  call(c: { number?: string; name?: string; date?: string; time?: string }): void {
    this.write(this.callLines(c).map((l) => `\r\n${l}`).join('') + '\r\n');
  }
}
