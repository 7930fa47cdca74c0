import { ConfigError, loadLocalConfig } from './config';

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
