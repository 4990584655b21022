// Load the built Portcullis packages. A package that is not built yet, or whose functions still
// throw, makes its rows "n/a" with the reason instead of stopping the run.

async function load(name) {
  try {
    return { module: await import(name) };
  } catch (err) {
    return { error: `${name} not built (${err.code ?? err.message})` };
  }
}

// Core's application API and, beside it, its adapter API (`@portcullis/core/adapter`): the micro
// benchmarks build request views as an adapter does.
async function loadCore() {
  const [main, adapter] = await Promise.all([
    load('@portcullis/core'),
    load('@portcullis/core/adapter'),
  ]);
  if (main.error !== undefined) return main;
  if (adapter.error !== undefined) return adapter;
  return { module: { ...main.module, ...adapter.module } };
}

/** `{ core, express, koa, hono, redis }`, each `{ module }` or `{ error }`. */
export async function loadPortcullis() {
  const [core, express, koa, hono, redis] = await Promise.all([
    loadCore(),
    load('@portcullis/express'),
    load('@portcullis/koa'),
    load('@portcullis/hono'),
    load('@portcullis/redis'),
  ]);
  return { core, express, koa, hono, redis };
}

/** The module, or a thrown Error whose message says why it is missing. */
export function need(loaded) {
  if (loaded.error) throw new Error(loaded.error);
  return loaded.module;
}
