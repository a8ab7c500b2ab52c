import { readFileSync } from 'node:fs';
import { ConfigError } from '@tongyuan/config';
import { AccountMatrix, type NewmediaAccount } from '@tongyuan/contracts';
import { z } from 'zod';

export interface ConfiguredAccount extends NewmediaAccount {
  /** Never logged; lives in memory only (logger redaction covers secret/appSecret keys regardless). */
  secret: string;
}

const Secrets = z.record(z.string(), z.string().min(1));

export const secretVariableOf = (accountId: string): string =>
  `WECHAT_SECRET_${accountId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/** The matrix with each enabled account's AppSecret; refuses to start naming the account whose secret is missing. */
export const loadAccounts = (
  accountsFile: string,
  secretsFile: string | undefined,
  secretVariables: Record<string, string>,
): ConfiguredAccount[] => {
  const read = (file: string, variable: string) => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (error) {
      throw new ConfigError([{ variable, reason: `cannot read ${file}: ${(error as Error).message}` }]);
    }
  };
  const matrix = AccountMatrix.safeParse(read(accountsFile, 'ACCOUNTS_FILE'));
  if (!matrix.success) {
    throw new ConfigError(
      matrix.error.issues.map((issue) => ({ variable: `ACCOUNTS_FILE ${issue.path.join('.')}`, reason: issue.message })),
    );
  }
  const fileSecrets = secretsFile === undefined ? {} : Secrets.parse(read(secretsFile, 'ACCOUNT_SECRETS_FILE'));
  const missing: Array<{ variable: string; reason: string }> = [];
  const accounts = matrix.data.accounts.map((account) => {
    const secret = secretVariables[secretVariableOf(account.id)] ?? fileSecrets[account.id] ?? '';
    if (account.enabled && secret === '') {
      missing.push({
        variable: secretVariableOf(account.id),
        reason: `no AppSecret for account ${account.id} (set it, or list it in ACCOUNT_SECRETS_FILE)`,
      });
    }
    return { ...account, secret };
  });
  if (missing.length > 0) throw new ConfigError(missing);
  return accounts;
};
