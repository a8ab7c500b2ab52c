import { fileURLToPath } from 'node:url';

/** Starts a service when its main module is the script node was given, and stops it cleanly on SIGINT or SIGTERM. */
export const runWhenMain = async (moduleUrl: string, start: () => Promise<{ stop(): Promise<void> }>): Promise<void> => {
  if (!process.argv[1] || fileURLToPath(moduleUrl) !== process.argv[1]) return;
  const service = await start();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void service.stop().then(() => process.exit(0));
    });
  }
};
