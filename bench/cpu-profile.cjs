// Preloaded into a service (NODE_OPTIONS=--require, which refuses --cpu-prof): profiles its CPU for
// BENCH_CPU_PROFILE_SECONDS after start, then writes <BENCH_CPU_PROFILE_OUT>/<pid>.cpuprofile (open it in Chrome DevTools).
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

// Only the main thread: a preload also runs in tsx's loader thread, whose profile would overwrite the service's own.
const out = require('node:worker_threads').isMainThread ? process.env.BENCH_CPU_PROFILE_OUT : undefined;
const seconds = Number(process.env.BENCH_CPU_PROFILE_SECONDS ?? 60);
if (out) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () =>
    session.post('Profiler.start', () => {
      setTimeout(() => {
        session.post('Profiler.stop', (error, result) => {
          if (error) return;
          mkdirSync(out, { recursive: true });
          writeFileSync(join(out, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
        });
      }, seconds * 1000).unref();
    }),
  );
}
