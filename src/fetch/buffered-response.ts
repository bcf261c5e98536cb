/** A ResponseInit whose headers may also be made on first use. @internal */
export interface BufferedResponseInit extends Omit<ResponseInit, "headers"> {
  headers?: HeadersInit | (() => Headers);
}

/**
 * A Response whose body has already arrived as bytes. It is a real `Response` (a subclass:
 * `instanceof Response`, native status and headers), but the body stays a byte array until
 * someone asks for `.body`: on Node 20, `new Response(bytes)` builds a web ReadableStream
 * for it at once and `text()` reads it back through that stream, ~30 µs a call together,
 * while decoding the bytes directly costs ~2 µs.
 *
 * Reading it as a stream, `formData()` and `blob()` go through an ordinary Response made
 * on first use, so every consumer sees standard behaviour, `bodyUsed` included.
 *
 * @example
 * const response = new BufferedResponse(new TextEncoder().encode("{}"), { status: 200 });
 * await response.json(); // {}
 *
 * @internal Not part of the published types: it overrides Response's properties with
 * accessors, which @types/node's Response declares as plain properties (TS2611).
 */
export class BufferedResponse extends Response {
  #bytes: Uint8Array | null;
  #used = false;
  #standard: Response | undefined;
  #headers: Headers | (() => Headers);

  /**
   * `init.headers`, when a Headers, is kept as it is: the fetch that built it owns it. A
   * function is called on first access to `headers`: a successful call that never reads them
   * (nearly every call) then builds no Headers at all.
   */
  constructor(bytes: Uint8Array | null, init: BufferedResponseInit) {
    // Status only: the Response constructor would copy the headers, a cost per call.
    super(null, { status: init.status, statusText: init.statusText });
    this.#bytes = bytes;
    const headers = init.headers;
    this.#headers = headers instanceof Headers || typeof headers === "function"
      ? headers
      : new Headers(headers);
  }

  override get headers(): Headers {
    if (typeof this.#headers === "function") this.#headers = this.#headers();
    return this.#headers;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    return this.#bytes === null ? null : this.#materialize().body;
  }

  override get bodyUsed(): boolean {
    return this.#used || (this.#standard?.bodyUsed ?? false);
  }

  override text(): Promise<string> {
    return this.#take((bytes) => decoder.decode(bytes), (r) => r.text());
  }

  override json(): Promise<unknown> {
    return this.#take((bytes) => JSON.parse(decoder.decode(bytes)), (r) => r.json());
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#take((bytes) => copy(bytes).buffer, (r) => r.arrayBuffer());
  }

  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#take(copy, (r) => r.bytes());
  }

  override blob(): Promise<Blob> {
    return this.#materialize().blob();
  }

  override formData(): Promise<FormData> {
    return this.#materialize().formData();
  }

  override clone(): Response {
    if (this.bodyUsed) throw new TypeError("Response.clone: Body has already been consumed.");
    if (this.#standard !== undefined) return this.#standard.clone();
    return new BufferedResponse(this.#bytes, {
      status: this.status,
      statusText: this.statusText,
      headers: new Headers(this.headers),
    });
  }

  /** Reads the body once: directly from the bytes, or through the standard Response. */
  #take<T>(direct: (bytes: Uint8Array) => T, standard: (r: Response) => Promise<T>): Promise<T> {
    if (this.#standard !== undefined) return standard(this.#standard);
    if (this.#used) {
      return Promise.reject(new TypeError("Body is unusable: Body has already been read"));
    }
    this.#used = true;
    try {
      return Promise.resolve(direct(this.#bytes ?? empty));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #materialize(): Response {
    if (this.#standard === undefined) {
      this.#standard = new Response(this.#bytes as BodyInit | null, this);
      // Already read directly: the standard body must count as used too.
      if (this.#used) void this.#standard.body?.cancel();
    }
    return this.#standard;
  }
}

const decoder = new TextDecoder();
const empty = new Uint8Array(0);

function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}
