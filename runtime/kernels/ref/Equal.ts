/** Equal: A == B elementwise with broadcasting, giving bool; numbers, int64 and bool. */
import { comparisonKernel } from './comparison.js';
import { arithmeticTypes } from './broadcast.js';

export const Equal = comparisonKernel('Equal', (a, b) => a === b, [...arithmeticTypes, 'bool']);
