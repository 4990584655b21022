/**
 * The agent-facing API itself, framework-neutral: each handler takes the authenticated principal
 * (and a parsed body) and returns `{ status, body }`. The framework files only route and send.
 */

const conversations = [
  { id: 'conv_1', title: 'Refund for order 1042', status: 'open' },
  { id: 'conv_2', title: 'Cannot reset password', status: 'closed' },
];

/** Who is calling, without anything secret: safe to echo back. */
function caller(principal) {
  return { subject: principal.subject, method: principal.method, scopes: principal.scopes };
}

/**
 * Create the in-memory API: a fresh invoice list per server.
 *
 * @example
 * const api = createApi();
 * api.listConversations(req.auth); // → { status: 200, body: { caller, conversations } }
 */
export function createApi() {
  const invoices = [{ id: 'inv_1', customer: 'acme', amount_cents: 12000, createdBy: 'seed' }];

  return {
    listConversations: (principal) => ({
      status: 200,
      body: { caller: caller(principal), conversations },
    }),
    listInvoices: (principal) => ({ status: 200, body: { caller: caller(principal), invoices } }),
    /** `body` is the parsed JSON body, or `undefined` when it was missing or not JSON. */
    createInvoice(principal, body) {
      const customer = body?.customer;
      const amount = body?.amount_cents;
      if (typeof customer !== 'string' || !/^[\w-]{1,64}$/.test(customer)) {
        return {
          status: 400,
          body: {
            error: 'invalid_body',
            error_description: 'customer must be 1–64 word characters',
          },
        };
      }
      if (!Number.isSafeInteger(amount) || amount <= 0) {
        return {
          status: 400,
          body: {
            error: 'invalid_body',
            error_description: 'amount_cents must be a positive integer',
          },
        };
      }
      const invoice = {
        id: `inv_${invoices.length + 1}`,
        customer,
        amount_cents: amount,
        createdBy: principal.subject,
      };
      invoices.push(invoice);
      return { status: 201, body: invoice };
    },
  };
}

const ROUTES = {
  '/conversations': 'GET',
  '/billing/invoices': 'GET, POST',
  '/oauth/token': 'POST',
  '/oauth/revoke': 'POST',
};

/** The answer to a request no route took: 405 with `Allow` for a known path, else 404. */
export function noRoute(path) {
  const allow = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  return allow
    ? { status: 405, headers: { allow }, body: { error: 'method_not_allowed' } }
    : { status: 404, body: { error: 'not_found' } };
}

/** The answer to a body over the size limit. */
export const TOO_LARGE = {
  status: 413,
  body: { error: 'invalid_request', error_description: 'The request body is too large' },
};

/**
 * Parse a JSON request body, tolerating none: `undefined` for a missing, non-JSON or malformed body.
 *
 * @example
 * api.createInvoice(req.auth, parseJson(req.headers['content-type'], text));
 */
export function parseJson(contentType, text) {
  if (!/^application\/json\s*(;|$)/i.test(String(contentType ?? '')) || !text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
