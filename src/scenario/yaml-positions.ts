import { isMap, isNode, type Document, type LineCounter, type Node } from 'yaml';

/** Where in the file a value sits, as 1-based line and column. */
export interface SourcePosition {
  line: number;
  col: number;
}

/** Finds the source position of the value at `path`, or of the nearest ancestor that exists. */
export function positionOfPath(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): SourcePosition {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return toPosition(lineCounter, node.range[0]);
  }
  return { line: 1, col: 1 };
}

/** Position of the key `key` inside the map at `path` (used for unknown keys). */
export function positionOfKey(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  key: string,
): SourcePosition {
  const map = path.length === 0 ? doc.contents : doc.getIn(path as unknown[], true);
  if (isMap(map)) {
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      if (isNode(keyNode) && keyNode.range && String((keyNode as { value?: unknown }).value) === key) {
        return toPosition(lineCounter, keyNode.range[0]);
      }
    }
  }
  return positionOfPath(doc, lineCounter, path);
}

export function toPosition(lineCounter: LineCounter, offset: number): SourcePosition {
  const { line, col } = lineCounter.linePos(offset);
  return { line, col };
}
