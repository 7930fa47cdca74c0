import { createLogger } from './logger';

describe('createLogger', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, logger: createLogger('debug', (l) => lines.push(l)) };
  };

  describe('redaction', () => {
    it('redacts secret-named fields at any depth, keeping ids', () => {
      const { lines, logger } = capture();
      logger.info('x', {
        keyId: 'key_1',
        app: { signingSecret: 'whsec_abc', target: { headers: { authorization: 'Bearer t' } } },
        list: [{ apiKey: 'k' }],
      });
      const line = JSON.parse(lines[0]);
      expect(line).toMatchObject({
        keyId: 'key_1',
        app: { signingSecret: '[redacted]', target: { headers: '[redacted]' } },
        list: [{ apiKey: '[redacted]' }],
      });
    });

    it('scrubs credential-shaped values from messages, errors and their causes', () => {
      const { lines, logger } = capture();
      const cause = new Error('header was Bearer sup3r-s3cret-value');
      logger.error('failed with pk_AAAAAAAAAAAAAAAAAAAAAAAA', {
        err: new Error('secret whsec_c2VjcmV0c2VjcmV0c2VjcmV0 leaked', { cause }),
        note: 'token pat_BBBBBBBBBBBBBBBBBBBBBBBB',
      });
      expect(lines[0]).not.toMatch(/pk_A|whsec_c2V|pat_B|sup3r/);
      expect(JSON.parse(lines[0])).toMatchObject({ err: { name: 'Error', cause: { message: 'header was Bearer [redacted]' } } });
    });

    it('survives cycles and very deep values', () => {
      const { lines, logger } = capture();
      const a: Record<string, unknown> = {};
      a.self = a;
      logger.warn('cyclic', { a });
      expect(lines[0]).toContain('[nested]');
    });
  });

  it('drops lines below its level', () => {
    const lines: string[] = [];
    const logger = createLogger('warn', (l) => lines.push(l));
    logger.info('no');
    logger.warn('yes');
    expect(lines).toHaveLength(1);
  });
});
