// Paired A/B timing for the targets: short batches of A and B alternate (ABBA order) many times,
// and the median of the per-pair ratios is kept. On a shared machine the interference lands on
// both sides of a pair alike, so the ratio holds steady where absolute times drift.

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[s.length >> 1];
};

async function timeBatch(fn, n, isAsync) {
  const t0 = process.hrtime.bigint();
  if (isAsync) for (let i = 0; i < n; i++) await fn();
  else for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - t0);
}

/**
 * Compare `a` (the reference) with `b`. Resolves to the medians of: b/a per pair (`ratio`),
 * (b − a) per call (`diffNs`), and each side's ns per call. `yieldToLoop`: let the event loop
 * run (timers, sockets) between pairs, for functions that need it to stay in their steady state
 * (a Redis deny-list's replica is kept fresh by heartbeats the loop must receive). `batch`: calls
 * per batch instead of sizing it from `batchMs`, for a side that can only be called a known number
 * of times (each DPoP proof is good once): then `a` runs 201 + pairs × batch times, and `b` too.
 * `between(i)`: run (and awaited) after pair `i`, untimed, to time something else alongside, so
 * that load from other processes reaches it as it reaches the pairs.
 */
export async function paired(
  a,
  b,
  { pairs = 40, batchMs = 8, batch = undefined, yieldToLoop = false, between = undefined } = {},
) {
  const aAsync = a() instanceof Promise;
  const bAsync = b() instanceof Promise;
  // Warm both, and size the batch so one side takes about `batchMs`.
  const probeA = (await timeBatch(a, 200, aAsync)) / 200;
  const probeB = (await timeBatch(b, 200, bAsync)) / 200;
  const n =
    batch ?? Math.max(8, Math.min(8192, Math.round((batchMs * 1e6) / Math.max(probeA, probeB))));
  const ratios = [];
  const diffs = [];
  const as = [];
  const bs = [];
  for (let i = 0; i < pairs; i++) {
    let ta;
    let tb;
    if (i % 2 === 0) {
      ta = await timeBatch(a, n, aAsync);
      tb = await timeBatch(b, n, bAsync);
    } else {
      tb = await timeBatch(b, n, bAsync);
      ta = await timeBatch(a, n, aAsync);
    }
    if (yieldToLoop) await new Promise((resolve) => setImmediate(resolve));
    if (between !== undefined) await between(i);
    ratios.push(tb / ta);
    diffs.push((tb - ta) / n);
    as.push(ta / n);
    bs.push(tb / n);
  }
  return { ratio: median(ratios), diffNs: median(diffs), aNs: median(as), bNs: median(bs), n };
}
