export { databaseEnv, kafkaEnv, port, s3Env, serviceEnv } from './env-fragments.js';
export { ConfigError, envVariableNames, parseEnv } from './parse-env.js';
export { runWhenMain } from './service-main.js';
