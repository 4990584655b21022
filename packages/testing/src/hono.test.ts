import * as hono from '@portcullis/hono';
import { honoApp, honoTarget } from '@portcullis/test-kit/hono';
import { describeHelpers } from './test-helpers/scenarios.js';

describeHelpers('Hono', honoTarget(hono, honoApp));
