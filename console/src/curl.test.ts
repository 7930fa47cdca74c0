import { curlCreate, shellQuote } from './curl';

describe('shellQuote', () => {
  it('quotes anything, single quotes included, as one word', () => {
    expect(shellQuote(`it's $HOME; rm -rf /`)).toBe(`'it'\\''s $HOME; rm -rf /'`);
  });
});

describe('curlCreate', () => {
  it('recreates the message with the key left to the shell', () => {
    const cmd = curlCreate('http://127.0.0.1:3000', { appId: 'app_1', payload: { note: "o'clock" } });
    expect(cmd).toContain(`'http://127.0.0.1:3000/v1/messages'`);
    expect(cmd).toContain('"x-api-key: $PUNCTUAL_API_KEY"');
    expect(cmd).toContain(`-d '{"appId":"app_1","payload":{"note":"o'\\''clock"}}'`);
  });
});
