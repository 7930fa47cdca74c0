import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsKeyMismatchError, SecretsKeyMissingError } from './errors';
import { openSecretsKey, parseSecretsKey, secretsKeyFileName } from './key-file';

describe('openSecretsKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'punctual-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = () => join(dir, secretsKeyFileName);

  it('generates a key file readable by its owner only while nothing is sealed, then reads it back', async () => {
    const first = openSecretsKey({ dataDir: dir });
    expect(first.generatedFile).toBe(file());
    expect(statSync(file()).mode & 0o777).toBe(0o600);
    expect(parseSecretsKey(readFileSync(file(), 'utf8'))).toHaveLength(32);
    const again = openSecretsKey({ dataDir: dir, recorded: first.box.fingerprint });
    expect(again.generatedFile).toBeUndefined();
    expect(await again.box.open(await first.box.seal('s', 'c'), 'c')).toBe('s');
  });

  it('takes PUNCTUAL_SECRETS_KEY over the file, and writes no file then', () => {
    const envKey = randomBytes(32);
    const { box, generatedFile } = openSecretsKey({ dataDir: dir, envKey });
    expect(generatedFile).toBeUndefined();
    expect(() => statSync(file())).toThrow();
    expect(openSecretsKey({ dataDir: dir, envKey, recorded: box.fingerprint }).box.fingerprint).toBe(box.fingerprint);
  });

  it('refuses to start when secrets were sealed and the key is missing, naming the file and the variable', () => {
    expect(() => openSecretsKey({ dataDir: dir, recorded: '0123456789abcdef' })).toThrow(SecretsKeyMissingError);
    expect(() => openSecretsKey({ dataDir: dir, recorded: '0123456789abcdef' })).toThrow(
      new RegExp(`restore ${file()} from your backup, or set PUNCTUAL_SECRETS_KEY`),
    );
    expect(() => statSync(file())).toThrow(); // no new key was made up
  });

  it('refuses another key than the one that sealed, from the variable or the file, and a file that is not a key', () => {
    const { box } = openSecretsKey({ dataDir: dir });
    expect(() => openSecretsKey({ dataDir: dir, envKey: randomBytes(32), recorded: box.fingerprint })).toThrow(SecretsKeyMismatchError);
    writeFileSync(file(), `${randomBytes(32).toString('base64')}\n`);
    expect(() => openSecretsKey({ dataDir: dir, recorded: box.fingerprint })).toThrow(/is not the key that sealed/);
    writeFileSync(file(), 'not a key');
    expect(() => openSecretsKey({ dataDir: dir, recorded: box.fingerprint })).toThrow(/is not a secrets key/);
  });
});

describe('parseSecretsKey', () => {
  it('reads base64 and base64url of 32 bytes only', () => {
    const key = randomBytes(32);
    expect(parseSecretsKey(key.toString('base64'))).toEqual(key);
    expect(parseSecretsKey(` ${key.toString('base64url')}\n`)).toEqual(key);
    for (const bad of ['', 'abc', randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), '!!!!'])
      expect(parseSecretsKey(bad)).toBeUndefined();
  });
});
