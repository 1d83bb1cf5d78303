/**
 * Append-only typed arrays that double when full: the columns of the timeline's store. A
 * million events cost a few typed arrays, not a million objects for the garbage collector.
 */
type TypedArray = Float64Array | Int32Array | Uint8Array | Uint16Array

abstract class Growable<A extends TypedArray> {
  length = 0
  protected constructor(public data: A) {}

  protected abstract make(capacity: number): A

  push(value: number): number {
    if (this.length === this.data.length) {
      const next = this.make(Math.max(16, this.data.length * 2))
      next.set(this.data as never)
      this.data = next
    }
    this.data[this.length] = value
    return this.length++
  }

  get(i: number): number {
    return this.data[i]!
  }

  set(i: number, value: number): void {
    this.data[i] = value
  }

  /** The filled part, as a view (no copy). */
  view(): A {
    return this.data.subarray(0, this.length) as A
  }
}

export class F64Column extends Growable<Float64Array> {
  constructor(capacity = 16) {
    super(new Float64Array(capacity))
  }
  protected make(capacity: number): Float64Array {
    return new Float64Array(capacity)
  }
}

export class I32Column extends Growable<Int32Array> {
  constructor(capacity = 16) {
    super(new Int32Array(capacity))
  }
  protected make(capacity: number): Int32Array {
    return new Int32Array(capacity)
  }
}

export class U8Column extends Growable<Uint8Array> {
  constructor(capacity = 16) {
    super(new Uint8Array(capacity))
  }
  protected make(capacity: number): Uint8Array {
    return new Uint8Array(capacity)
  }
}

export class U16Column extends Growable<Uint16Array> {
  constructor(capacity = 16) {
    super(new Uint16Array(capacity))
  }
  protected make(capacity: number): Uint16Array {
    return new Uint16Array(capacity)
  }
}

/** First i in [lo, hi) with values[i] >= t (hi when none): values sorted ascending. */
export function lowerBound(
  values: ArrayLike<number>,
  t: number,
  lo = 0,
  hi = values.length,
): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (values[mid]! < t) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First i in [lo, hi) with values[i] > t (hi when none): values sorted ascending. */
export function upperBound(
  values: ArrayLike<number>,
  t: number,
  lo = 0,
  hi = values.length,
): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (values[mid]! <= t) lo = mid + 1
    else hi = mid
  }
  return lo
}
