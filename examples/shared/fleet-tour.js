/** How long another instance may take to hear a revocation before the tour calls it a mismatch. */
export const PROPAGATION_LIMIT_MS = 2000;

/**
 * The fleet tour: what `pnpm demo --instances N` shows, made with fetch against live instances
 * that share revocation through Redis. A token from instance 1 works on every instance; revoked at
 * instance 1, every instance refuses it. An API key works on every instance (each caches it for
 * 30 s); revoked at instance 2, every instance refuses it at once. Rows as `runTour()` makes them.
 *
 * @example
 * const rows = await runFleetTour({ instances: fleet.instances, apiKey, client });
 * console.log(formatTable(rows));
 */
export async function runFleetTour({ instances, apiKey, client, limit = PROPAGATION_LIMIT_MS }) {
  const rows = [];
  const basic = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const first = instances[0];
  const second = instances[1];

  async function call(instance, method, path, { headers = {}, body } = {}) {
    const res = await fetch(new URL(path, instance.url), { method, headers, body });
    const json = await res.json().catch(() => undefined);
    return { status: res.status, json };
  }
  function row(name, request, expected, got) {
    rows.push({
      name,
      request,
      expected: String(expected),
      got: String(got),
      ok: got === expected,
    });
  }
  async function step(name, instance, method, path, expected, options) {
    const { status, json } = await call(instance, method, path, options);
    row(name, `${method} #${instance.n} ${path}`, expected, status);
    return json;
  }
  // Ask again until the answer is `expected` or `limit` ms have passed; say how long it took.
  async function until(name, instance, method, path, expected, options) {
    const started = performance.now();
    let status;
    for (;;) {
      ({ status } = await call(instance, method, path, options));
      const elapsed = performance.now() - started;
      if (status === expected || elapsed >= limit) {
        const took = status === expected ? `in ${Math.round(elapsed)} ms` : `after ${limit} ms`;
        row(`${name} (${took})`, `${method} #${instance.n} ${path}`, expected, status);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  // A token from instance 1, good on every instance: they share the signer's JWKS.
  const issued = await step('token from instance 1', first, 'POST', '/oauth/token', 200, {
    headers: { ...form, authorization: basic },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'billing:read' }),
  });
  const token = issued?.access_token ?? 'missing';
  const bearer = { authorization: `Bearer ${token}` };
  for (const instance of instances) {
    await step(`token on instance ${instance.n}`, instance, 'GET', '/billing/invoices', 200, {
      headers: bearer,
    });
  }
  // Revoked at instance 1: its jti goes to Redis and every replica.
  await step('revoke it at instance 1', first, 'POST', '/oauth/revoke', 200, {
    headers: { ...form, authorization: basic },
    body: new URLSearchParams({ token }),
  });
  await step('revoked token, instance 1', first, 'GET', '/billing/invoices', 401, {
    headers: bearer,
  });
  for (const instance of instances.slice(1)) {
    await until(
      `revoked token, instance ${instance.n}`,
      instance,
      'GET',
      '/billing/invoices',
      401,
      { headers: bearer },
    );
  }

  // An API key, looked up and then cached by every instance.
  const keyed = { headers: { 'x-api-key': apiKey } };
  for (const instance of instances) {
    await step(`API key on instance ${instance.n}`, instance, 'GET', '/conversations', 200, keyed);
  }
  // Revoked at instance 2: the record goes, and every instance's cache drops it.
  let revoked;
  try {
    revoked = (await second.server.revokeApiKey(apiKey)) ? 'done' : 'no such key';
  } catch (err) {
    revoked = `failed: ${err instanceof Error ? err.message : String(err)}`;
  }
  row('revoke the key at instance 2', `revokeApiKey() on #${second.n}`, 'done', revoked);
  await step('revoked key, instance 2', second, 'GET', '/conversations', 401, keyed);
  for (const instance of instances.filter((i) => i !== second)) {
    await until(
      `revoked key, instance ${instance.n}`,
      instance,
      'GET',
      '/conversations',
      401,
      keyed,
    );
  }
  return rows;
}
