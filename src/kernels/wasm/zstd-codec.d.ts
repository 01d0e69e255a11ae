// Types for the one file of the zstd-codec package (0.1.x) that Flint uses:
// its Emscripten factory for the WebAssembly build, which fills the object it
// is given with the embind classes below. zstd-codec ships no types.
declare module 'zstd-codec/lib/zstd-codec-binding-wasm.js' {
  export interface EmscriptenVectorU8 {
    resize(size: number, fill: number): void;
    size(): number;
    delete(): void;
  }
  export interface EmscriptenZstdCodec {
    compressBound(size: number): number;
    /** Frame content size, or negative if unknown or not a frame. */
    contentSize(src: EmscriptenVectorU8): number;
    /** Compressed size, or negative on error (dest too small). */
    compress(dest: EmscriptenVectorU8, src: EmscriptenVectorU8, level: number): number;
    /** Decompressed size, or negative on error (malformed input, dest too small). */
    decompress(dest: EmscriptenVectorU8, src: EmscriptenVectorU8): number;
    delete(): void;
  }
  export interface EmscriptenZstdModule {
    instantiateWasm?: (imports: unknown, receive: (instance: unknown, module?: unknown) => void) => unknown;
    onRuntimeInitialized?: () => void;
    print?: (text: string) => void;
    printErr?: (text: string) => void;
    onAbort?: (what: unknown) => void;
    HEAPU8?: Uint8Array;
    VectorU8?: new () => EmscriptenVectorU8;
    ZstdCodec?: new () => EmscriptenZstdCodec;
    cloneToVector?: (vector: EmscriptenVectorU8, bytes: Uint8Array) => void;
    cloneAsTypedArray?: (vector: EmscriptenVectorU8) => Uint8Array;
  }
  const factory: (module: EmscriptenZstdModule) => unknown;
  export default factory;
}
