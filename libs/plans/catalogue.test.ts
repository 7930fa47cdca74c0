import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPlans, isPlanAtMost, loadPlans } from './catalogue';

describe('plan catalogue', () => {
  it('orders the default plans', () => {
    expect(isPlanAtMost(defaultPlans, 'free', 'pro')).toBe(true);
    expect(isPlanAtMost(defaultPlans, 'pro', 'free')).toBe(false);
    expect(isPlanAtMost(defaultPlans, 'pro', 'unlimited')).toBe(true);
    expect(isPlanAtMost(defaultPlans, 'unlimited', 'pro')).toBe(false);
    expect(isPlanAtMost(defaultPlans, 'free', 'free')).toBe(true);
    expect(isPlanAtMost(defaultPlans, 'nope', 'free')).toBe(false);
  });

  it('puts the quickstart plan between free and pro, and gives every limited plan all its limits', () => {
    expect(isPlanAtMost(defaultPlans, 'free', 'trial')).toBe(true);
    expect(isPlanAtMost(defaultPlans, 'trial', 'pro')).toBe(true);
    expect(isPlanAtMost(defaultPlans, 'trial', 'free')).toBe(false);
    for (const name of ['free', 'trial', 'pro']) {
      expect(Object.keys(defaultPlans[name]).sort()).toEqual([
        'attemptsPerMinute',
        'deliveryShare',
        'maxActiveSchedules',
        'maxKeys',
        'maxPendingMessages',
        'quota',
        'retentionDays',
        'throttle',
      ]);
    }
  });

  it('merges a plans file over the defaults', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'plans-')), 'plans.json');
    writeFileSync(
      file,
      JSON.stringify({ team: { throttle: { rateLimit: 50, burstLimit: 100 } }, free: { quota: { limit: 5, period: 'WEEK' } } }),
    );
    const plans = loadPlans(file);
    expect(plans.team).toEqual({ throttle: { rateLimit: 50, burstLimit: 100 } });
    expect(plans.free).toEqual({ quota: { limit: 5, period: 'WEEK' } });
    expect(plans.pro).toEqual(defaultPlans.pro);
  });

  it('explains a bad plans file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'plans-')), 'plans.json');
    writeFileSync(file, JSON.stringify({ team: { quota: { limit: 5, period: 'YEAR' } } }));
    expect(() => loadPlans(file)).toThrow(/team\.quota\.period/);
  });
});
