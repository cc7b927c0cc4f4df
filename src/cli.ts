#!/usr/bin/env node
// Each ALSA capture holds one libuv thread for as long as it runs, and LevelDB needs its own:
// the pool must be larger than the default 4 before the first async I/O, hence this entry
// sets it and only then loads the program.
process.env['UV_THREADPOOL_SIZE'] ??= '16';
// `tallennin recordings --json | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
const { main } = await import('./commands/main.js');
const code = await main(process.argv.slice(2));
// A command may have set its own exit status (record: 75 after a storage failure).
process.exitCode = code !== 0 ? code : (process.exitCode ?? 0);
