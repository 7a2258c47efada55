/** A raw HTTP/1.1 request split into its method, path, lower-case headers and body (latin1 bytes). */
export interface WireRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export function parseWireRequest(request: string): WireRequest {
  const split = request.indexOf('\r\n\r\n');
  const [requestLine = '', ...lines] = request.slice(0, split).split('\r\n');
  const [method = '', path = ''] = requestLine.split(' ');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { method, path, headers, body: request.slice(split + 4) };
}
