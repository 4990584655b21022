import { packageConfig } from '../../vitest.shared.js';

// One small module, tested through the SDK's own requireBearerAuth().
export default packageConfig({ statements: 95, branches: 90, functions: 95, lines: 95 });
