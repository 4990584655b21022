// Timing with mitata's `measure`: our own warm-up first (so the JIT has settled before the first
// sample), then batches of calls for fast functions, many samples, and the median (p50).
// Times are in nanoseconds per call.
import { measure } from 'mitata';

/** Sampling settings: full runs for the tables, `--quick` for a smoke run. */
export function settings(quick) {
  return quick
    ? { warmupMs: 60, min_cpu_time: 120e6, min_samples: 8, batch_samples: 512 }
    : { warmupMs: 150, min_cpu_time: 350e6, min_samples: 16, batch_samples: 1024 };
}

async function warmUp(fn, ms) {
  const end = performance.now() + ms;
  let calls = 0;
  while (performance.now() < end || calls < 50) {
    for (let i = 0; i < 16; i++) await fn();
    calls += 16;
  }
}

/** Median nanoseconds per call of `fn` (sync or async). */
export async function medianNs(fn, opts) {
  const { warmupMs, ...rest } = opts;
  await warmUp(fn, warmupMs);
  // Functions slower than 10 µs are timed one call a sample: timer overhead is then negligible.
  const stats = await measure(fn, { batch_threshold: 10_000, ...rest });
  return { p50: stats.p50, p25: stats.p25, p75: stats.p75, samples: stats.samples.length };
}
