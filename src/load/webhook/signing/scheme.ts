import type { SigningConfig } from '../../../scenario/signing-schema.js';

/** What a signature covers: the event id, the timestamp sent, and the body exactly as sent (latin1: one char per byte). */
export interface SignedMessage {
  id: string;
  timestampSec: number;
  /** The body bytes on the wire, as a latin1 string. */
  body: string;
}

/** Header lines ("name: value\r\n" each) that carry the signature of one request. */
export type Signer = (message: SignedMessage) => string;

export type SignatureCheck = 'ok' | 'missing' | 'stale' | 'mismatch';

/** Reads one request header by lower-case name. */
export type HeaderLookup = (name: string) => string | undefined;

/** Checks one received request; `body` is the received bytes as a latin1 string. */
export type Verifier = (headers: HeaderLookup, body: string, nowSec: number) => SignatureCheck;

/**
 * A signing scheme: how pushbench signs a request and how a receiver verifies it. Each scheme is one
 * file registered by name in ./registry.ts; the scenario schema (src/scenario/signing-schema.ts)
 * holds its fields.
 */
export interface SigningScheme<C extends SigningConfig = SigningConfig> {
  readonly name: C['scheme'];
  /** The header that carries the event id, for receivers that count duplicates. */
  readonly idHeader: string | undefined;
  /** Prepared once per run (keys decoded, templates bound); called per request. */
  signer(config: C): Signer;
  verifier(config: C): Verifier;
}

/** Default tolerance of the providers' libraries for the timestamp, in either direction. */
export const SIGNATURE_TOLERANCE_SEC = 300;

export function isStale(timestamp: string | undefined, nowSec: number): boolean {
  const timestampSec = Number(timestamp);
  return !Number.isInteger(timestampSec) || Math.abs(nowSec - timestampSec) > SIGNATURE_TOLERANCE_SEC;
}
