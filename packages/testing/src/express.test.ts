import * as express from '@portcullis/express';
import { expressTarget } from '@portcullis/test-kit/express';
import { describeHelpers } from './test-helpers/scenarios.js';

describeHelpers('Express', expressTarget(express));
