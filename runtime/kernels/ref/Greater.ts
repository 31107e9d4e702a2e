/** Greater: A > B elementwise with broadcasting, giving bool. */
import { comparisonKernel } from './comparison.js';

export const Greater = comparisonKernel('Greater', (a, b) => a > b);
