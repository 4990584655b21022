// API keys: the hash (node:crypto vs Web Crypto), and Portcullis apiKey() with a cached record,
// with a lookup on every call (cache off), and through each adapter.
import { createHash, hash as cryptoHash, webcrypto } from 'node:crypto';
import { medianNs, settings } from '../lib/measure.js';
import { need } from '../lib/portcullis.js';
import { renderTable, us } from '../lib/table.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const encoder = new TextEncoder();

async function webDigestHex(key) {
  const digest = new Uint8Array(await webcrypto.subtle.digest('SHA-256', encoder.encode(key)));
  let out = '';
  for (const byte of digest) out += HEX[byte];
  return out;
}

const record = { id: 'key_bench', subject: 'svc-bench', scopes: ['orders:read'] };

function apiKeyCases(pc) {
  const viewFor = (core, key) => core.fromNodeHeaders({ 'x-api-key': [key] });
  const setup = (cache) => {
    const core = need(pc.core);
    const { key, hash } = core.generateApiKey({ prefix: 'pcs' });
    const store = new Map([[hash, record]]);
    const options = { prefix: 'pcs', lookup: (h) => store.get(h) ?? null };
    if (!cache) options.cache = false;
    const method = core.apiKey(options);
    return { core, key, method, auth: core.createAuthenticator({ methods: [method] }) };
  };
  const principal = (p) => p?.subject === record.subject;
  return [
    {
      name: "crypto.hash('sha256', key, 'hex')",
      make: () => (k) => cryptoHash('sha256', k, 'hex'),
    },
    {
      name: 'createHash(sha256).update().digest(hex)',
      make: () => (k) => createHash('sha256').update(k).digest('hex'),
    },
    { name: 'Web Crypto subtle.digest + hex', make: () => webDigestHex },
    { name: 'Portcullis hashApiKey()', make: () => need(pc.core).hashApiKey },
    {
      name: 'Portcullis core authenticate(), cached record',
      key: 'core-cached',
      make: () => {
        const { core, key, auth } = setup(true);
        return { key, fn: (k) => auth.authenticate(viewFor(core, k)) };
      },
      check: principal,
    },
    {
      name: 'Portcullis apiKey().verify, cached record',
      make: () => {
        const { key, method } = setup(true);
        const ctx = { now: Date.now, realm: 'api' };
        return { key, fn: (k) => method.verify(k, ctx) };
      },
      check: principal,
    },
    {
      name: 'Portcullis core authenticate(), cache off (sync Map lookup)',
      make: () => {
        const { core, key, auth } = setup(false);
        return { key, fn: (k) => auth.authenticate(viewFor(core, k)) };
      },
      check: principal,
    },
  ];
}

/** Time the API key rows; returns `{ rows }` with p50 nanoseconds. */
export async function runApiKeys(pc, opts, log) {
  const sample = 'pcs_4QzP1kq0cWmX7aT2nB9vYdL3sF6hJ8eR1uI5oK0pZ2xC7vN';
  const rows = [];
  for (const c of apiKeyCases(pc)) {
    const row = { name: c.name, key: c.key, ns: null, na: null };
    try {
      const made = await c.make();
      const { fn, key } = typeof made === 'function' ? { fn: made, key: sample } : made;
      const out = await fn(key);
      if (c.check && !c.check(out)) throw new Error('did not authenticate the key');
      for (let round = 0; round < opts.rounds; round++) {
        const { p50 } = await medianNs(() => fn(key), settings(opts.quick));
        row.ns = row.ns === null ? p50 : Math.min(row.ns, p50);
      }
    } catch (err) {
      row.na = String(err?.message ?? err).slice(0, 60);
    }
    log(`  api key ${c.name}: ${us(row.ns)} µs`);
    rows.push(row);
  }
  return { rows };
}

/** Render the API key table. */
export function renderApiKeys(result, markdown = false) {
  const base = result.rows[0]?.ns;
  const table = renderTable(
    ['row', 'µs/op', '× crypto.hash'],
    result.rows.map((r) => [
      r.name,
      r.ns === null ? 'n/a' : us(r.ns),
      r.ns && base ? `${(r.ns / base).toFixed(2)}×` : '',
    ]),
    markdown,
  );
  const notes = result.rows.filter((r) => r.na).map((r) => `${r.name}: ${r.na}`);
  return { table, notes };
}
