/**
 * Compressed sparse row matrices on typed arrays: the shape every recommender trains on
 * (rows = customers, columns = items, values = interaction weights).
 *
 * Invariants: `indptr.length === rows + 1`, `indptr[0] === 0`, `indptr[rows] === nnz`; column
 * indices inside a row are strictly increasing (duplicates are summed when built).
 */
export interface Csr {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly data: Float32Array;
}

/** A row's slice of a CSR matrix: its column indices and values (views, not copies). */
export interface SparseRow {
  readonly indices: Int32Array;
  readonly data: Float32Array;
}

/** Build a CSR matrix from coordinate triples; duplicate (row, col) pairs are summed. */
export function csrFromCoo(
  rows: number,
  cols: number,
  rowIdx: ArrayLike<number>,
  colIdx: ArrayLike<number>,
  values?: ArrayLike<number>,
): Csr {
  const n = rowIdx.length;
  if (!(Number.isInteger(rows) && rows >= 0 && Number.isInteger(cols) && cols >= 0)) throw new RangeError(`csrFromCoo: shape ${rows}×${cols} must be non-negative integers`);
  if (colIdx.length !== n || (values && values.length !== n)) throw new RangeError('csrFromCoo: rowIdx, colIdx and values must have the same length');
  const counts = new Int32Array(rows + 1);
  for (let k = 0; k < n; k++) {
    const r = rowIdx[k]!;
    const c = colIdx[k]!;
    if (!(r >= 0 && r < rows && c >= 0 && c < cols && Number.isInteger(r) && Number.isInteger(c))) {
      throw new RangeError(`csrFromCoo: entry ${k} (${r}, ${c}) is outside a ${rows}×${cols} matrix`);
    }
    counts[r + 1]! += 1;
  }
  for (let r = 0; r < rows; r++) counts[r + 1]! += counts[r]!;
  const cursor = counts.slice(0, rows);
  const cIdx = new Int32Array(n);
  const vals = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const r = rowIdx[k]!;
    const at = cursor[r]!++;
    cIdx[at] = colIdx[k]!;
    vals[at] = values ? values[k]! : 1;
  }
  // Sort each row by column and sum duplicates, compacting in place.
  const indptr = new Int32Array(rows + 1);
  let out = 0;
  const order: number[] = [];
  for (let r = 0; r < rows; r++) {
    const start = counts[r]!;
    const end = counts[r + 1]!;
    order.length = 0;
    for (let k = start; k < end; k++) order.push(k);
    order.sort((a, b) => cIdx[a]! - cIdx[b]!);
    const rowCols: number[] = [];
    const rowVals: number[] = [];
    for (const k of order) {
      const c = cIdx[k]!;
      if (rowCols.length && rowCols[rowCols.length - 1] === c) rowVals[rowVals.length - 1]! += vals[k]!;
      else {
        rowCols.push(c);
        rowVals.push(vals[k]!);
      }
    }
    for (let j = 0; j < rowCols.length; j++) {
      cIdx[out] = rowCols[j]!;
      vals[out] = rowVals[j]!;
      out++;
    }
    indptr[r + 1] = out;
  }
  return { rows, cols, indptr, indices: cIdx.slice(0, out), data: vals.slice(0, out) };
}

/** The transpose (items × customers), built in O(nnz) with rows kept sorted. */
export function transpose(m: Csr): Csr {
  const indptr = new Int32Array(m.cols + 1);
  for (let k = 0; k < m.indices.length; k++) indptr[m.indices[k]! + 1]! += 1;
  for (let c = 0; c < m.cols; c++) indptr[c + 1]! += indptr[c]!;
  const cursor = indptr.slice(0, m.cols);
  const indices = new Int32Array(m.indices.length);
  const data = new Float32Array(m.indices.length);
  for (let r = 0; r < m.rows; r++) {
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) {
      const at = cursor[m.indices[k]!]!++;
      indices[at] = r;
      data[at] = m.data[k]!;
    }
  }
  return { rows: m.cols, cols: m.rows, indptr, indices, data };
}

/** Row `r` as views into the matrix's arrays. */
export function row(m: Csr, r: number): SparseRow {
  const start = m.indptr[r]!;
  const end = m.indptr[r + 1]!;
  return { indices: m.indices.subarray(start, end), data: m.data.subarray(start, end) };
}

/** Number of stored entries. */
export const nnz = (m: Csr): number => m.indptr[m.rows]!;

/** A copy with every stored value replaced by f(value) (e.g. binarise, log-confidence). */
export function mapValues(m: Csr, f: (v: number) => number): Csr {
  const data = new Float32Array(m.data.length);
  for (let k = 0; k < data.length; k++) data[k] = f(m.data[k]!);
  return { ...m, data };
}

/**
 * Throw a RangeError unless `m` satisfies the CSR invariants above (shape, indptr, sorted in-range
 * columns, finite values, and non-negative values when `nonNegative`). O(nnz); models call it
 * once on their training input so a malformed matrix fails loudly instead of scoring garbage.
 */
export function assertCsr(m: Csr, what = 'matrix', opts: { nonNegative?: boolean } = {}): void {
  const fail = (why: string): never => {
    throw new RangeError(`${what}: ${why}`);
  };
  if (!(Number.isInteger(m.rows) && m.rows >= 0 && Number.isInteger(m.cols) && m.cols >= 0)) fail(`shape ${m.rows}×${m.cols} must be non-negative integers`);
  if (m.indptr.length !== m.rows + 1) fail(`indptr has length ${m.indptr.length}, expected ${m.rows + 1}`);
  if (m.indptr[0] !== 0) fail('indptr[0] must be 0');
  const total = m.indptr[m.rows]!;
  if (m.indices.length !== total || m.data.length !== total) fail(`indptr[rows] = ${total} but indices/data have ${m.indices.length}/${m.data.length} entries`);
  for (let r = 0; r < m.rows; r++) {
    const start = m.indptr[r]!;
    const end = m.indptr[r + 1]!;
    if (end < start) fail(`indptr decreases at row ${r}`);
    let prev = -1;
    for (let k = start; k < end; k++) {
      const c = m.indices[k]!;
      if (c <= prev || c >= m.cols) fail(`row ${r}: column ${c} is out of range or not strictly increasing`);
      prev = c;
      const v = m.data[k]!;
      if (!Number.isFinite(v) || (opts.nonNegative && v < 0)) fail(`row ${r}, column ${c}: value ${v} must be finite${opts.nonNegative ? ' and ≥ 0' : ''}`);
    }
  }
}
