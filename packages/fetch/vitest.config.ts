import { packageConfig } from '../../vitest.shared.js';

// Today near 100 % of a few dozen statements: one uncovered branch is several percent.
export default packageConfig({ statements: 95, branches: 90, functions: 95, lines: 95 });
