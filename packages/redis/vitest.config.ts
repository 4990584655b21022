import { packageConfig } from '../../vitest.shared.js';

// The package's tests run on real Redis servers; what stays uncovered is mostly defensive
// branches (a malformed pub/sub message, a close racing a start-up).
export default packageConfig({ statements: 90, branches: 75, functions: 90, lines: 92 });
