import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { parseScenarioBytes } from '../../../src/scenario/load-scenario.js';
import { bindJsonTemplate, joinJsonTemplates } from '../../../src/template/json-template.js';
import { seededRandom } from '../../../src/template/render.js';

function websocket(yaml: string) {
  return parseScenarioBytes(Buffer.from(`name: w\nwebsocket:\n  target: ws://127.0.0.1:1/\n  connections: 1\n  hold: 1s\n${yaml}`), 'w.yaml').config.websocket!;
}

function problems(yaml: string): readonly string[] {
  try {
    websocket(yaml);
  } catch (error) {
    if (error instanceof InputError) return error.lines;
    throw error;
  }
  return [];
}

const input = (values: Record<string, string | number>) => ({ values, random: seededRandom(1) });

describe('message values (emit data/args, send, match)', () => {
  it('encodes every YAML type as JSON; strings stay strings; a whole {{number variable}} becomes a number', () => {
    const ws = websocket(
      '  protocol: socketio\n  request: { rate: 1, emit: { event: ask, args: [room1, 42, true, null, { a: [1, "x"] }, "{{sentAtUs}}", "{{requestId}}", "at {{sentAtUs}}", "{{ conn }}", "{{randInt 5 5}}"], ack: true } }\n',
    );
    const render = bindJsonTemplate(joinJsonTemplates(ws.request!.emit!.args));
    expect(render(input({ conn: 3, requestId: '3-0', sentAtUs: 1700000000000000 }))).toBe(
      '"room1",42,true,null,{"a":[1,"x"]},1700000000000000,"3-0","at 1700000000000000",3,5',
    );
  });

  it('escapes rendered strings (a quote or backslash in a value never breaks the JSON)', () => {
    process.env.PB_MSG_QUOTE = 'a"b\\c';
    const ws = websocket('  protocol: raw\n  onOpen:\n    - send: { v: "{{env.PB_MSG_QUOTE}}", w: "x{{conn}}" }\n');
    const step = ws.onOpen[0] as { send: Parameters<typeof bindJsonTemplate>[0] };
    const text = bindJsonTemplate(step.send)(input({ conn: 2, seq: 0 }));
    expect(JSON.parse(text)).toEqual({ v: 'a"b\\c', w: 'x2' });
  });

  it('raw `send` text is sent as written, templated', () => {
    const ws = websocket('  protocol: raw\n  onOpen:\n    - send: "hello {{conn}}"\n');
    const step = ws.onOpen[0] as { send: Parameters<typeof bindJsonTemplate>[0] };
    expect(bindJsonTemplate(step.send)(input({ conn: 9, seq: 0 }))).toBe('hello 9');
  });

  it('located errors: unknown variable deep in a value, data and args together', () => {
    expect(problems('  protocol: socketio\n  onOpen:\n    - emit: { event: e, data: { a: [1, "{{nope}}"] } }\n')[0]).toMatch(
      /^w\.yaml:8:\d+: websocket\.onOpen\.0: emit\.data\.a\.1: unknown variable or helper \{\{nope\}\}/,
    );
    expect(problems('  protocol: socketio\n  onOpen:\n    - emit: { event: e, data: 1, args: [2] }\n')[0]).toMatch(/websocket\.onOpen\.0\.emit\.args: give `data` \(one argument\) or `args` \(several\), not both/);
    expect(problems('  protocol: raw\n  push: { match: { id: "{{requestId}}" }, sentAt: t }\n')[0]).toMatch(/websocket\.push\.match\.id: unknown variable or helper \{\{requestId\}\} \(known here: conn,/);
  });
});
