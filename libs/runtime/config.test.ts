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

describe('loadLocalConfig: delivery safety settings', () => {
  it('keeps 4 KiB of each response by default, up to 64 KiB when asked', () => {
    expect(loadLocalConfig({}).responseExcerptBytes).toBe(4_096);
    expect(loadLocalConfig({ PUNCTUAL_RESPONSE_EXCERPT_BYTES: '65536' }).responseExcerptBytes).toBe(65_536);
    expect(() => loadLocalConfig({ PUNCTUAL_RESPONSE_EXCERPT_BYTES: '65537' })).toThrow(ConfigError);
  });

  it('allows any port when private targets are allowed, and the hosted ports when they are refused', () => {
    expect(loadLocalConfig({}).egressPorts).toBe('any');
    expect(loadLocalConfig({ PUNCTUAL_ALLOW_PRIVATE_TARGETS: 'false' }).egressPorts).toEqual([80, 443, 8080, 8443]);
    expect(loadLocalConfig({ PUNCTUAL_ALLOW_PRIVATE_TARGETS: 'false', PUNCTUAL_EGRESS_PORTS: '*' }).egressPorts).toBe('any');
    expect(loadLocalConfig({ PUNCTUAL_EGRESS_PORTS: '443, 9443' }).egressPorts).toEqual([443, 9443]);
  });

  it.each(['0', '65536', '80,,443', 'http'])('refuses PUNCTUAL_EGRESS_PORTS=%s', (raw) => {
    expect(() => loadLocalConfig({ PUNCTUAL_EGRESS_PORTS: raw })).toThrow(ConfigError);
  });

  it('has no operator cap on a tenant’s attempts per minute unless set', () => {
    expect(loadLocalConfig({}).tenantAttemptsPerMinute).toBeUndefined();
    expect(loadLocalConfig({ PUNCTUAL_TENANT_ATTEMPTS_PER_MINUTE: '600' }).tenantAttemptsPerMinute).toBe(600);
    expect(() => loadLocalConfig({ PUNCTUAL_TENANT_ATTEMPTS_PER_MINUTE: '0' })).toThrow(ConfigError);
  });

  it('disables an app after 3 days of failures by default; 0 never does', () => {
    expect(loadLocalConfig({}).appDisableAfterDays).toBe(3);
    expect(loadLocalConfig({ PUNCTUAL_APP_DISABLE_AFTER_DAYS: '0' }).appDisableAfterDays).toBe(0);
    expect(() => loadLocalConfig({ PUNCTUAL_APP_DISABLE_AFTER_DAYS: '-1' })).toThrow(ConfigError);
  });
});

describe('loadLocalConfig: PUNCTUAL_METRICS_TOKEN', () => {
  it('is unset by default (only the admin token reads /metrics)', () => {
    expect(loadLocalConfig({}).metricsToken).toBeUndefined();
    expect(loadLocalConfig({ PUNCTUAL_METRICS_TOKEN: '' }).metricsToken).toBeUndefined();
  });

  it('takes a token of at least 16 characters', () => {
    expect(loadLocalConfig({ PUNCTUAL_METRICS_TOKEN: 'a'.repeat(16) }).metricsToken).toBe('a'.repeat(16));
    expect(() => loadLocalConfig({ PUNCTUAL_METRICS_TOKEN: 'short' })).toThrow(/PUNCTUAL_METRICS_TOKEN must be at least 16 characters/);
  });
});
