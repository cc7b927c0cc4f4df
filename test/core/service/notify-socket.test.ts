// The socat carrier against a real unix datagram socket: messages arrive whole, a killed
// carrier is started again at the next message, and addresses socat would misread are refused.
import t from 'tap';
import { socatAddress, socatTransport } from '../../../src/core/service/notify-socket.js';
import { memoryLog } from '../../helpers/log.js';
import { notifyListener } from '../../helpers/notify-listener.js';
import { until } from '../../helpers/eventually.js';
import { execFileSync } from 'node:child_process';

t.test('messages reach the socket; a dead socat is replaced', async (t) => {
  const listener = await notifyListener();
  t.teardown(() => listener.stop());
  const { log, lines } = memoryLog();
  const transport = socatTransport(listener.path, log);
  transport.send('READY=1\nSTATUS=up');
  await until(() => listener.received.some((n) => n.line === 'STATUS=up'), 5000, 'the first message');
  t.same(listener.received.map((n) => n.line), ['READY=1', 'STATUS=up']);

  // Kill the carrier as the OOM killer might: the next message starts a new one.
  execFileSync('pkill', ['-KILL', '-f', `UNIX-SENDTO:${listener.path}`]);
  await until(() => lines.some((l) => String(l['msg']).includes('socat carrying systemd notifications exited')), 5000, 'the exit to be logged');
  transport.send('WATCHDOG=1');
  await until(() => listener.received.some((n) => n.line === 'WATCHDOG=1'), 5000, 'the message after the restart');
  await transport.close();
  transport.send('STATUS=after close');
  t.notOk(listener.received.some((n) => n.line === 'STATUS=after close'), 'nothing is sent after close');
});

t.test('socat addresses: paths, the abstract namespace, and what socat would misread', async (t) => {
  t.equal(socatAddress('/run/systemd/notify'), 'UNIX-SENDTO:/run/systemd/notify');
  t.equal(socatAddress('@/org/freedesktop/systemd1/notify/123'), 'ABSTRACT-SENDTO:/org/freedesktop/systemd1/notify/123');
  t.throws(() => socatAddress('run/notify'), /NOTIFY_SOCKET must be an absolute path or an @abstract name, got "run\/notify"/);
  t.throws(() => socatAddress('/tmp/a,fork'), /has a character socat cannot take/);
  t.throws(() => socatAddress('/tmp/a:b'), /has a character socat cannot take/);
});
