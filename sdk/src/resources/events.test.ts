import { SseParser } from './events';

describe('SseParser', () => {
  it('joins data lines, takes id and event, skips comments and frames without data', () => {
    const parser = new SseParser();
    expect(parser.push(': keep-alive\n\nid: 5\nevent: attempt\ndata: {"a":\ndata: 1}\n\nevent: lonely\n\n')).toEqual([
      { id: '5', event: 'attempt', data: ['{"a":', '1}'] },
    ]);
  });

  it('completes frames split anywhere across chunks, CRLF split between two chunks included', () => {
    const parser = new SseParser();
    const text = 'id: 1\r\nevent: message.created\r\ndata: {"x":1}\r\n\r\nid: 2\r\ndata: {"x":2}\r\n\r\n';
    const expected = [
      { id: '1', event: 'message.created', data: ['{"x":1}'] },
      { id: '2', event: 'message', data: ['{"x":2}'] },
    ];
    const frames = [];
    for (const chunk of [text.slice(0, 6), text.slice(6, 40), text.slice(40, 41), text.slice(41)]) frames.push(...parser.push(chunk));
    expect(frames).toEqual(expected);
    // Every split point: the same frames (a CR and its LF in two chunks would otherwise end a frame early, losing its id).
    for (let at = 1; at < text.length; at++) {
      const p = new SseParser();
      expect({ at, frames: [...p.push(text.slice(0, at)), ...p.push(text.slice(at))] }).toEqual({ at, frames: expected });
    }
  });
});
