/** Less: A < B elementwise with broadcasting, giving bool. */
import { comparisonKernel } from './comparison.js';

export const Less = comparisonKernel('Less', (a, b) => a < b);
