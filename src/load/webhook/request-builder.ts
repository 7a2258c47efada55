import type { SigningConfig } from '../../scenario/signing-schema.js';
import type { HeaderTemplate } from '../../scenario/webhook-schema.js';
import { bindTemplate, seededRandom, type RenderFn } from '../../template/render.js';
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
const NON_ASCII = /[^\x00-\x7f]/;

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

  constructor(private readonly shape: RequestShape) {
    const userSetsType = shape.headers.some((header) => header.name.toLowerCase() === 'content-type');
    this.head = `${shape.method} ${shape.endpoint.path} HTTP/1.1\r\nhost: ${shape.endpoint.hostHeader}\r\n${userSetsType ? '' : 'content-type: application/json\r\n'}`;
    this.headers = shape.headers.map(({ name, template }) => {
      const constant = template.parts.every((part) => part.kind === 'text' || part.kind === 'env');
      return constant ? { line: `${name}: ${encodeLatin1(bindTemplate(template)({ values: {}, random: () => 0 }))}\r\n`, render: undefined } : { line: `${name}: `, render: bindTemplate(template) };
    });
    this.signer = shape.signing ? signerFor(shape.signing) : undefined;
    this.usesIsoTime = shape.bodies.usesIsoTime || shape.headers.some((header) => header.template.parts.some((part) => part.kind === 'var' && part.name === 'isoTime'));
  }

  /** False when the payload has no row left for event `seq` (`order: sequential`). */
  has(seq: number): boolean {
    return this.shape.bodies.has(seq);
  }

  build(seq: number, intendedUs: number): string {
    const nowMs = Date.now();
    const timestampSec = Math.floor(nowMs / 1000);
    const id = this.shape.bodies.events.idOf(seq);
    const values: EventValues = { id, seq, timestamp: timestampSec, timestampMs: nowMs, isoTime: this.usesIsoTime ? new Date(nowMs).toISOString() : '' };
    const body = encodeLatin1(this.shape.bodies.body(values, intendedUs));
    let request = this.head + `content-length: ${body.length}\r\n`;
    for (const header of this.headers) {
      request += header.render ? header.line + encodeLatin1(header.render({ values, row: this.shape.bodies.rowOf(seq), random: seededRandom(this.shape.seed, HEADER_STREAM, seq) })) + '\r\n' : header.line;
    }
    request += this.signer ? this.signer({ id, timestampSec, body }) : `webhook-id: ${id}\r\nwebhook-timestamp: ${timestampSec}\r\n`;
    return request + '\r\n' + body;
  }
}

/** UTF-8 bytes of `text` as a latin1 string (ASCII text is returned as it is). */
function encodeLatin1(text: string): string {
  return NON_ASCII.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}
