/**
 * The latest `size` results by key, kept as promises (so callers at the same moment share one run) and forgotten when
 * they fail. One revision goes to several accounts, and to both stages of a delivery, at once: what does not depend on
 * the account is made for the first of them only.
 */
export const recentResults = <T>(size: number) => {
  const entries = new Map<string, Promise<T>>();
  return (key: string, make: () => Promise<T>): Promise<T> => {
    let found = entries.get(key);
    if (found === undefined) {
      found = make();
      entries.set(key, found);
      if (entries.size > size) entries.delete(entries.keys().next().value as string);
      found.catch(() => entries.delete(key));
    }
    return found;
  };
};
