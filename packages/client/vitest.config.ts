import { packageConfig } from '../../vitest.shared.js';

// Unit tests against fake token endpoints and a real refused port; the end-to-end runs against
// the examples' token endpoint and oidc-provider live in the cross-package suite (test/client).
export default packageConfig({ statements: 95, branches: 90, functions: 95, lines: 95 });
