import * as koa from '@portcullis/koa';
import { koaTarget } from '@portcullis/test-kit/koa';
import { describeHelpers } from './test-helpers/scenarios.js';

describeHelpers('Koa', koaTarget(koa));
