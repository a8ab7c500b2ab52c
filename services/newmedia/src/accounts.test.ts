import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@tongyuan/config';
import { describe, expect, it } from 'vitest';
import { loadAccounts, secretVariableOf } from './accounts.js';
import { loadEnv, secretVariablesOf } from './env.js';

const sample = new URL('../accounts.sample.json', import.meta.url).pathname;

describe('the account matrix and its secrets', () => {
  it('takes each AppSecret from WECHAT_SECRET_<ACCOUNT_ID>, else from the secrets file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'secrets-'));
    const file = join(folder, 'secrets.json');
    writeFileSync(
      file,
      JSON.stringify({ 'zigong-fabu': 'from-file', 'zigong-zwgk': 'from-file-2', 'ziliujing-fabu': 'x', 'gongjing-fabu': 'y' }),
    );
    const accounts = loadAccounts(sample, file, { WECHAT_SECRET_ZIGONG_FABU: 'from-env' });
    expect(accounts.find((a) => a.id === 'zigong-fabu')?.secret).toBe('from-env');
    expect(accounts.find((a) => a.id === 'zigong-zwgk')?.secret).toBe('from-file-2');
    expect(secretVariableOf('ziliujing-fabu')).toBe('WECHAT_SECRET_ZILIUJING_FABU');
  });

  it('refuses to start without a secret, naming the variable, and never echoes a secret', () => {
    let caught: unknown;
    try {
      loadAccounts(sample, undefined, { WECHAT_SECRET_ZIGONG_FABU: 'top-secret-value' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toContain('WECHAT_SECRET_ZIGONG_ZWGK');
    expect(message).not.toContain('top-secret-value');
  });

  it('refuses a matrix with a bad account, naming the field', () => {
    const folder = mkdtempSync(join(tmpdir(), 'matrix-'));
    const file = join(folder, 'accounts.json');
    writeFileSync(file, JSON.stringify({ version: 'v1', accounts: [{ id: 'Bad Id', name: 'x' }] }));
    expect(() => loadAccounts(file, undefined, {})).toThrow(/ACCOUNTS_FILE accounts\.0\.id/);
  });

  it('parses the environment with its defaults, and picks out the secret variables only', () => {
    const env = loadEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1/newmedia' });
    expect(env).toMatchObject({ PORT: 8083, NEWMEDIA_BUCKET: 'tongyuan-newmedia', ASSETS_BUCKET: 'tongyuan-assets' });
    expect(secretVariablesOf({ WECHAT_SECRET_A: 's', PATH: '/bin', WECHAT_SECRET_EMPTY: '' })).toEqual({ WECHAT_SECRET_A: 's' });
    expect(() => loadEnv({ DATABASE_URL: 'mysql://x', WECHAT_API_BASE_URL: 'not a url' })).toThrow(
      /DATABASE_URL.*WECHAT_API_BASE_URL|WECHAT_API_BASE_URL.*DATABASE_URL/,
    );
  });
});
