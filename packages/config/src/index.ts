export { parseEnv, envVariableNames, ConfigError } from './parse-env.js';
export { kafkaEnv, s3Env, databaseEnv, serviceEnv, port } from './env-fragments.js';
