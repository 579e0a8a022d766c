import { KERNELS_WASM_BASE64 } from './kernels.generated.js';

/**
 * The WebAssembly SIMD kernels of wasm/kernels.ts, with the linear memory they work in.
 *
 * Memory is one arena laid out for the largest rotated dimension seen so far: encoder tables (permutations,
 * signs, dither offsets of one quantizer), encode buffers, the query's quantised coordinates, and a growable
 * area of codes at the end. Tables are copied in when another quantizer or query takes the arena over (`bind*`
 * keep the owner), so encoding many vectors with one quantizer, or scanning many lists for one query, copies
 * them once. Single-threaded: JavaScript never interleaves two kernel calls.
 */
/** The slice of the WebAssembly JS API used here (the project's lib settings carry no DOM/wasm typings). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

export interface KernelExports {
  memory: WasmMemory;
  loadResidualF32(v: number, center: number, d: number, x: number): number;
  rotateBlocked(x: number, out: number, d: number, rounds: number, perms: number, signs: number): void;
  rotatePadded(x: number, out: number, d: number, n: number, rounds: number, signs: number): void;
  quantizeUniform(
    y: number,
    n: number,
    m: number,
    offsets: number,
    steps: number,
    params: number,
    levels: number,
    code: number,
    bits: number,
    results: number,
  ): void;
  scanUniform(
    codes: number,
    count: number,
    bytesPerCode: number,
    planeBytes: number,
    bits: number,
    qh: number,
    ql: number,
    chunks: number,
    out: number,
  ): void;
  dotF32(rows: number, count: number, d: number, q: number, out: number): void;
}

/** Codes scanned per kernel call at most; the codes area also caps it (`codesCapacity` bytes). */
export const SCAN_BATCH = 1024;
/** Bytes of the codes area: 1 MiB, or one 8-bit code when that is larger (n > 2^20 / 8·8). */
const CODES_BYTES = 1 << 20;
const PAGE = 65536;

export class WasmKernels {
  readonly exports: KernelExports;
  /** Largest rotated dimension the layout holds, a multiple of 128. */
  private capacity = 0;
  encodeOwner: object | null = null;
  scanOwner: object | null = null;
  // Byte offsets of the arena's regions.
  perms = 0;
  signs = 0;
  offsets = 0;
  params = 0;
  results = 0;
  /** f32 staging for the vector and the center being encoded. */
  input = 0;
  inputCenter = 0;
  x = 0;
  y = 0;
  levels = 0;
  code = 0;
  qh = 0;
  ql = 0;
  out = 0;
  codes = 0;
  /** Size of the codes area in bytes: scan at most ⌊codesCapacity / bytesPerCode⌋ codes per call. */
  codesCapacity = 0;
  private buffer: ArrayBuffer | null = null;
  private u8View = new Uint8Array(0);
  private f32View = new Float32Array(0);
  private f64View = new Float64Array(0);

  constructor(exports: KernelExports) {
    this.exports = exports;
  }

  /** Lay the arena out for rotated dimension n (and codes of up to 8·n/8 bytes); may move every region. */
  ensure(n: number): void {
    if (n <= this.capacity) return;
    const N = Math.ceil(n / 128) * 128;
    let at = 1024; // the first KiB stays free: address 0 is a null pointer in AssemblyScript
    const take = (bytes: number): number => {
      const start = at;
      at += Math.ceil(bytes / 16) * 16;
      return start;
    };
    this.perms = take(3 * N * 4);
    this.signs = take(3 * N * 8);
    this.offsets = take(N * 4);
    this.params = take(8 * 8);
    this.results = take(2 * 8);
    this.input = take(N * 4);
    this.inputCenter = take(N * 4);
    this.x = take(N * 8);
    this.y = take(N * 8);
    this.levels = take(N);
    this.code = take(N + 16);
    this.qh = take(N * 2);
    this.ql = take(N * 2);
    this.out = take(SCAN_BATCH * 8);
    this.codes = take(0);
    this.codesCapacity = Math.max(CODES_BYTES, N);
    this.capacity = N;
    this.encodeOwner = null;
    this.scanOwner = null;
    // Codes area, plus 16 bytes that the last code's final 16-byte load may touch.
    this.grow(this.codes + this.codesCapacity + 16);
    this.u8().fill(0, 0, this.codes);
  }

  private grow(bytes: number): void {
    const memory = this.exports.memory;
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
  }

  /** A view of all of memory (re-made after the memory grew, which detaches old views). */
  u8(): Uint8Array {
    this.refresh();
    return this.u8View;
  }

  f32(): Float32Array {
    this.refresh();
    return this.f32View;
  }

  f64(): Float64Array {
    this.refresh();
    return this.f64View;
  }

  private refresh(): void {
    const buffer = this.exports.memory.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.u8View = new Uint8Array(buffer);
      this.f32View = new Float32Array(buffer);
      this.f64View = new Float64Array(buffer);
    }
  }
}

let enabled = true;
let cached: WasmKernels | null | undefined;

/**
 * The kernels, or null when this runtime lacks WebAssembly or its SIMD extension (WebAssembly.validate rejects
 * the module) or they were switched off; callers then run the JavaScript kernels. Objects pick their kernels at
 * construction, so `setWasmKernelsEnabled` affects quantizers and queries created afterwards.
 */
export function wasmKernels(): WasmKernels | null {
  if (!enabled) return null;
  if (cached === undefined) cached = instantiate();
  return cached;
}

/** Switch the WebAssembly kernels off (true: on again). For benchmarks and tests of the fallback. */
export function setWasmKernelsEnabled(on: boolean): void {
  enabled = on;
}

function instantiate(): WasmKernels | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined || typeof atob !== 'function') return null;
  const text = atob(KERNELS_WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  try {
    if (!wasm.validate(bytes)) return null;
    const instance = new wasm.Instance(new wasm.Module(bytes), {
      env: {
        abort: () => {
          throw new Error('wasm kernel aborted');
        },
      },
    });
    return new WasmKernels(instance.exports as unknown as KernelExports);
  } catch {
    return null;
  }
}
