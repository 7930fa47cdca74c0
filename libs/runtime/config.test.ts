import { ConfigError, configWarnings, loadLocalConfig } from './config';

describe('loadLocalConfig: PUNCTUAL_MAX_IN_FLIGHT', () => {
  it('defaults to 512 deliveries in flight', () => {
    expect(loadLocalConfig({}).maxInFlight).toBe(512);
    expect(loadLocalConfig({ PUNCTUAL_MAX_IN_FLIGHT: '' }).maxInFlight).toBe(512);
  });

  it('takes 1 up to 10000', () => {
    expect(loadLocalConfig({ PUNCTUAL_MAX_IN_FLIGHT: '1' }).maxInFlight).toBe(1);
    expect(loadLocalConfig({ PUNCTUAL_MAX_IN_FLIGHT: '10000' }).maxInFlight).toBe(10_000);
  });

  it.each(['0', '10001', '1.5', 'two'])('refuses %s', (raw) => {
    expect(() => loadLocalConfig({ PUNCTUAL_MAX_IN_FLIGHT: raw })).toThrow(ConfigError);
  });
});

describe('loadLocalConfig: PUNCTUAL_ADMIN_TOKEN', () => {
  it('refuses an operator-chosen token shorter than 32 characters, naming the length', () => {
    expect(() => loadLocalConfig({ PUNCTUAL_ADMIN_TOKEN: 'x'.repeat(31) })).toThrow(/at least 32 characters \(got 31\)/);
    expect(loadLocalConfig({ PUNCTUAL_ADMIN_TOKEN: 'x'.repeat(32) }).adminToken).toBe('x'.repeat(32));
  });

  it('generates one when unset or empty', () => {
    expect(loadLocalConfig({}).adminToken).toBeUndefined();
    expect(loadLocalConfig({ PUNCTUAL_ADMIN_TOKEN: '' }).adminToken).toBeUndefined();
  });
});

describe('configWarnings', () => {
  it('names an unknown PUNCTUAL_ variable and the closest setting', () => {
    expect(configWarnings({ PUNCTUAL_LOGLEVEL: 'debug', PUNCTUAL_MAX_INFLIGHT: '3' })).toEqual([
      'PUNCTUAL_LOGLEVEL is not a setting and is ignored; did you mean PUNCTUAL_LOG_LEVEL?',
      'PUNCTUAL_MAX_INFLIGHT is not a setting and is ignored; did you mean PUNCTUAL_MAX_IN_FLIGHT?',
    ]);
  });

  it("knows every setting the loader reads, and other parts' variables", () => {
    const env = {
      PORT: '1',
      PUNCTUAL_HOST: '127.0.0.1',
      PUNCTUAL_DATA_DIR: '/tmp/x',
      PUNCTUAL_LOG_LEVEL: 'warn',
      PUNCTUAL_ALLOW_PRIVATE_TARGETS: 'false',
      PUNCTUAL_SQLITE_SYNCHRONOUS: 'FULL',
      PUNCTUAL_MAX_IN_FLIGHT: '5',
      PUNCTUAL_DRAIN_TIMEOUT_MS: '5',
      PUNCTUAL_E2E_BASE_URL: 'https://x',
      PUNCTUAL_TABLE_NAME: 't',
      PUNCTUAL_API_KEY: 'k',
      HOME: '/root',
    };
    expect(configWarnings(env)).toEqual([]);
  });

  it.each([
    ['0.0.0.0', true, 1],
    ['::', true, 1],
    ['192.168.1.5', true, 1],
    ['0.0.0.0', false, 0],
    ['127.0.0.1', true, 0],
    ['localhost', true, 0],
    ['::1', true, 0],
  ])('warns of SSRF when host %s serves others and private targets are allowed (%s)', (host, allow, count) => {
    const warnings = configWarnings({ PUNCTUAL_HOST: host, PUNCTUAL_ALLOW_PRIVATE_TARGETS: String(allow) });
    expect(warnings.filter((w) => /SSRF/.test(w))).toHaveLength(count);
  });

  it('refuses a plan catalogue that cannot be read as a configuration error', () => {
    expect(() => loadLocalConfig({ PUNCTUAL_PLANS_FILE: '/nonexistent/plans.json' })).toThrow(ConfigError);
  });
});
