import { databaseEnv, kafkaEnv, parseEnv, port, s3Env, serviceEnv } from '@tongyuan/config';
import { DocumentKind, normativeKinds } from '@tongyuan/contracts';
import { z } from 'zod';

export const GazetteEnv = z.object({
  ...serviceEnv,
  ...kafkaEnv,
  ...s3Env,
  ...databaseEnv,
  /** The archivists' API and desk, the public archive and search. */
  PORT: port(8084),
  /** Interface to listen on: loopback here, 0.0.0.0 inside a container. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Bucket the issues and the archive are written to (fixed keys: issues/<YYYY>-<NN>/…, archive/…). */
  GAZETTE_BUCKET: z.string().min(3).default('tongyuan-gazette'),
  /** Printed on the cover, the running headers and every page. */
  GAZETTE_TITLE: z.string().min(1).default('人民政府公报'),
  /**
   * Kinds carried beside 规章 and 规范性文件 (comma list). Default 政策解读: gazettes commonly print the interpretation
   * next to the policy it explains; set it empty to carry the normative kinds only.
   */
  GAZETTE_KINDS: z
    .string()
    .default('政策解读')
    .transform((value) =>
      value
        .split(',')
        .map((kind) => kind.trim())
        .filter(Boolean),
    )
    .pipe(z.array(DocumentKind))
    .transform((extra): DocumentKind[] => [...new Set([...normativeKinds, ...extra])]),
  /** The portal's public URL: errata point readers to the corrected text there. */
  PORTAL_BASE_URL: z.url().default('http://127.0.0.1:8082'),
  /** JSON list of API users (id, name, roles, tokenSha256); archivists hold the role `archivist`. */
  API_USERS_FILE: z.string().min(1),
  /** Consumer group of content.published; default <KAFKA_TOPIC_PREFIX>gazette, so two prefixes never share a group. */
  GAZETTE_GROUP_ID: z.string().min(1).optional(),
  /** 总第N期 of the last issue before this system: new issues continue from it (a historical import moves it further). */
  TOTAL_ISSUE_OFFSET: z.coerce.number().int().min(0).default(0),
  /** How long pdftotext may take on one imported PDF before the file is reported as unreadable. */
  PDFTOTEXT_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
});
export type GazetteEnv = z.infer<typeof GazetteEnv>;

export const loadEnv = (env: NodeJS.ProcessEnv = process.env): GazetteEnv => parseEnv(GazetteEnv, env);
