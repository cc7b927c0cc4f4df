// systemd's notification socket (sd_notify(3)). Node has no unix datagram sockets, so one
// long-lived `socat` child carries the messages. It must live as long as the service: systemd
// attributes a datagram to a unit by the sender's PID, and a sender that has already exited
// (as a short `systemd-notify` often has by the time systemd 252 reads its message) belongs
// to no unit, so its READY=1 or WATCHDOG=1 is dropped.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';

export interface NotifyTransport {
  /** One message: `KEY=value` assignments, one per line. */
  send(message: string): void;
  close(): Promise<void>;
}

/** socat's address for NOTIFY_SOCKET: a path, or `@name` in the abstract namespace. */
export function socatAddress(notifySocket: string): string {
  // socat splits addresses at ':' and ',' (and its escapes differ by version): refuse rather than misdeliver.
  if (/[:,!\\]/.test(notifySocket)) throw new Error(`NOTIFY_SOCKET "${notifySocket}" has a character socat cannot take in an address`);
  if (notifySocket.startsWith('@')) return `ABSTRACT-SENDTO:${notifySocket.slice(1)}`;
  if (!notifySocket.startsWith('/')) throw new Error(`NOTIFY_SOCKET must be an absolute path or an @abstract name, got "${notifySocket}"`);
  return `UNIX-SENDTO:${notifySocket}`;
}

/**
 * The transport to `notifySocket`. socat sends what it reads from one read() as one datagram;
 * two messages read together still parse, since systemd splits a datagram at newlines.
 * A socat that died is started again at the next message, so a lost carrier costs at most
 * the messages in between, never the rest of the service's life.
 */
export function socatTransport(notifySocket: string, log: Logger, socat = 'socat'): NotifyTransport {
  const address = socatAddress(notifySocket);
  let child: ChildProcess | undefined;
  let closed = false;
  const start = (): ChildProcess => {
    const c = spawn(socat, ['-u', 'STDIN', address], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    c.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    c.stdin!.on('error', () => {});
    c.on('error', (e) => log.error({ err: e.message }, 'cannot start socat to notify systemd'));
    c.on('exit', (code, signal) => {
      if (child === c) child = undefined;
      if (!closed) log.error({ code, signal, err: err.trim() }, 'socat carrying systemd notifications exited');
    });
    return c;
  };
  return {
    send(message) {
      if (closed) return;
      child ??= start();
      child.stdin!.write(message.endsWith('\n') ? message : `${message}\n`);
    },
    close() {
      closed = true;
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return Promise.resolve();
      // End of input makes socat send what it holds and exit.
      return new Promise((resolve) => {
        c.once('exit', () => resolve());
        c.stdin!.end();
      });
    },
  };
}
