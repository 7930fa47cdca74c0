import { ConfigError, loadLocalConfig } from './config';

describe('loadLocalConfig: PUNCTUAL_DELIVERY_WORKERS', () => {
  it('defaults to delivering from the main thread', () => {
    expect(loadLocalConfig({}).deliveryWorkers).toBe(0);
    expect(loadLocalConfig({ PUNCTUAL_DELIVERY_WORKERS: '' }).deliveryWorkers).toBe(0);
  });

  it('takes 0 (deliver from the main thread) up to 64', () => {
    expect(loadLocalConfig({ PUNCTUAL_DELIVERY_WORKERS: '0' }).deliveryWorkers).toBe(0);
    expect(loadLocalConfig({ PUNCTUAL_DELIVERY_WORKERS: '4' }).deliveryWorkers).toBe(4);
  });

  it.each(['-1', '65', '1.5', 'two'])('refuses %s', (raw) => {
    expect(() => loadLocalConfig({ PUNCTUAL_DELIVERY_WORKERS: raw })).toThrow(ConfigError);
  });
});
