/** A port from the environment (e.g. KAFKA_PORT), or `fallback` when unset. */
export function portFromEnv(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`${variable}=${raw} is not a TCP port`);
  return port;
}
