import { packageConfig } from '../../vitest.shared.js';

// A little below today's 98.1 / 96.1 / 100 / 99.3 %: a change that drops coverage fails.
export default packageConfig({ statements: 96, branches: 94, functions: 98, lines: 97 });
