import type { SigningConfig } from '../../scenario/signing-schema.js';
import type { HeaderTemplate } from '../../scenario/webhook-schema.js';
import { bindTemplate, seededRandom, type RenderFn } from '../../template/render.js';
import { isConstant, variablesUsed } from '../../template/template.js';
import type { BodySource, EventValues } from './body-source.js';
import type { Endpoint } from './endpoint.js';
import { signerFor } from './signing/registry.js';
import type { Signer } from './signing/scheme.js';

export interface RequestShape {
  method: 'POST' | 'PUT' | 'PATCH';
  endpoint: Endpoint;
  headers: readonly HeaderTemplate[];
  signing: SigningConfig | undefined;
  bodies: BodySource;
  seed: number;
}

const HEADER_STREAM = 3;
const CR_OR_LF = /[\r\n]/;

/** A header value rendered for a request holds CR or LF: the request is not sent (`webhook.errors.badHeader`). */
export class HeaderValueError extends Error {
  constructor(
    readonly header: string,
    readonly seq: number,
  ) {
    super(`header ${header} of request ${seq} holds a CR or LF`);
    this.name = 'HeaderValueError';
  }
}

/**
 * Builds complete HTTP/1.1 requests for a run: request line, host, content type and length, the
 * templated headers, the signature headers (over the exact body bytes sent), then the body. The
 * request comes back as a latin1 string (one char per byte), which the pool writes as it is.
 */
export class RequestBuilder {
  private readonly head: string;
  private readonly headers: { line: string; render: RenderFn | undefined }[];
  private readonly signer: Signer | undefined;
  private readonly usesIsoTime: boolean;
  private readonly templatedHeaders: boolean;

  constructor(private readonly shape: RequestShape) {
    const userSetsType = shape.headers.some((header) => header.name.toLowerCase() === 'content-type');
    this.head = `${shape.method} ${shape.endpoint.path} HTTP/1.1\r\nhost: ${shape.endpoint.hostHeader}\r\n${userSetsType ? '' : 'content-type: application/json\r\n'}`;
    this.headers = shape.headers.map(({ name, template }) =>
      isConstant(template) ? { line: `${name}: ${encodeLatin1(bindTemplate(template)({ values: {}, random: () => 0 }))}\r\n`, render: undefined } : { line: `${name}: `, render: bindTemplate(template) },
    );
    this.signer = shape.signing ? signerFor(shape.signing) : undefined;
    this.usesIsoTime = shape.bodies.usesIsoTime || shape.headers.some((header) => variablesUsed(header.template).has('isoTime'));
    this.templatedHeaders = this.headers.some((header) => header.render !== undefined);
  }

  /** False when the payload has no row left for event `seq` (`order: sequential`). */
  has(seq: number): boolean {
    return this.shape.bodies.has(seq);
  }

  /** The request for event `seq`; throws HeaderValueError when a templated header value renders with CR or LF. */
  build(seq: number, intendedUs: number): string {
    const nowMs = Date.now();
    const timestampSec = Math.floor(nowMs / 1000);
    const id = this.shape.bodies.events.idOf(seq);
    const values: EventValues = { id, seq, timestamp: timestampSec, timestampMs: nowMs, isoTime: this.usesIsoTime ? new Date(nowMs).toISOString() : '' };
    const body = encodeLatin1(this.shape.bodies.body(values, intendedUs));
    let request = this.head + `content-length: ${body.length}\r\n`;
    // One render input per request for every templated header (none when all headers are constant).
    const input = this.templatedHeaders ? { values, row: this.shape.bodies.rowOf(seq), random: seededRandom(this.shape.seed, HEADER_STREAM, seq) } : undefined;
    for (const header of this.headers) {
      if (!header.render) {
        request += header.line;
        continue;
      }
      const value = header.render(input!);
      // Text and env values were checked at load; a row's value is only known now, and written raw it would inject headers.
      if (CR_OR_LF.test(value)) throw new HeaderValueError(header.line.slice(0, -2), seq);
      request += header.line + encodeLatin1(value) + '\r\n';
    }
    request += this.signer ? this.signer({ id, timestampSec, body }) : `webhook-id: ${id}\r\nwebhook-timestamp: ${timestampSec}\r\n`;
    return request + '\r\n' + body;
  }
}

/** UTF-8 bytes of `text` as a latin1 string (ASCII text is returned as it is). */
function encodeLatin1(text: string): string {
  // As many UTF-8 bytes as chars means ASCII only (cheaper than a regex scan of every body).
  return Buffer.byteLength(text, 'utf8') === text.length ? text : Buffer.from(text, 'utf8').toString('latin1');
}
