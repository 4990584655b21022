// The paired timing behind the micro targets, for one algorithm, in a process of its own: only
// raw node:crypto, its parse floor, Portcullis core and fast-jwt are loaded, and nothing the table
// timed before (fifteen peers' caches and closures) sits in the heap or the CPU caches. Started
// by lib/targets.js with `{ alg, quick }` over IPC; answers with the figures.
import { cycle, makeKeys, mintPool } from '../lib/keys.js';
import { paired } from '../lib/paired.js';
import { loadPortcullis } from '../lib/portcullis.js';
import { peerCases } from './peers.js';
import { portcullisCases } from './portcullis.js';
import { rawCase, rawParseCase } from './raw.js';

// Run a function for `ms` before it is timed, so every side is optimised by the JIT first (the
// paired timing's own warm-up is 200 calls).
async function warm(fn, ms) {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) await fn();
  }
  return fn;
}

async function timed(c, keys, mode, pool) {
  const fn = await c.make(keys, mode);
  if (mode === 'repeat') {
    const token = pool[0];
    return warm(() => fn(token), 300);
  }
  const next = cycle(pool);
  return warm(() => fn(next()), 300);
}

async function figures({ alg, quick }) {
  const pc = await loadPortcullis();
  const keys = await makeKeys(alg);
  const pool = mintPool(keys, alg === 'RS256' || quick ? 2048 : 4096);
  const core = portcullisCases(pc).find((c) => c.key === 'core');
  const fast = (name) => peerCases.find((c) => c.name === name);
  const raw = await timed(rawCase(keys), keys, 'first', pool);
  const pairs = quick ? 16 : 40;
  const coreFirst = await timed(core, keys, 'first', pool);
  const vsRaw = await paired(raw, coreFirst, { pairs });
  const floor = await paired(raw, await timed(rawParseCase(keys), keys, 'first', pool), { pairs });
  const vsFast = await paired(
    await timed(fast('fast-jwt createVerifier (no cache)'), keys, 'first', pool),
    coreFirst,
    { pairs },
  );
  const vsFastCache = await paired(
    await timed(fast('fast-jwt createVerifier (cache)'), keys, 'repeat', pool),
    await timed(core, keys, 'repeat', pool),
    { pairs },
  );
  return { vsRaw, vsFast, vsFastCache, floor };
}

process.once('message', async (message) => {
  try {
    process.send({ figures: await figures(message) });
  } catch (err) {
    process.send({ error: String(err?.stack ?? err) });
  }
  process.disconnect();
});
