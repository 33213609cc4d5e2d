// Dense Cholesky factorisation and solve (row-major), shared by serving (exact iALS fold-in) and training (the
// text → collaborative map, randomized SVD, SPD inverses).

/**
 * In-place Cholesky factorisation A = L Lᵀ of a symmetric positive definite n × n matrix (row-major);
 * the lower triangle receives L, the strict upper triangle is zeroed. Throws if A is not SPD, unless `minPivot`
 * is given: then a pivot below it (rounding on a matrix SPD by construction, e.g. with λI added) is raised to it.
 */
export function choleskyInPlace(a: Float64Array, n: number, options: { minPivot?: number } = {}): void {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j];
    for (let k = 0; k < j; k++) d -= a[rj + k] * a[rj + k];
    if (options.minPivot !== undefined) d = Math.max(d, options.minPivot);
    else if (!(d > 0)) throw new Error(`cholesky: matrix not positive definite at column ${j} (pivot ${d})`);
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      a[ri + j] = s / ljj;
    }
    for (let k = j + 1; k < n; k++) a[rj + k] = 0;
  }
}

/** Solves L Lᵀ x = b given the factor from choleskyInPlace; b is overwritten with x. */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    const ri = i * n;
    for (let k = 0; k < i; k++) s -= l[ri + k] * b[k];
    b[i] = s / l[ri + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[k];
    b[i] = s / l[i * n + i];
  }
}
