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
