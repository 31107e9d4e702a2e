/** The nncc version written into every bundle (kept equal to package.json's by a unit test). */
export const nnccVersion = '0.1.0';
