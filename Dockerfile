# One image for every service; SERVICE picks which one runs. Sources run through tsx, as in development and tests.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages ./packages
COPY services ./services
COPY infra/package.json ./infra/package.json
RUN npm install --omit=dev --no-audit --no-fund && npm install --no-save tsx@4
COPY schemas ./schemas
ARG SERVICE
ENV SERVICE=${SERVICE} NODE_ENV=production
USER node
CMD ["sh", "-c", "exec npx tsx services/${SERVICE}/src/main.ts"]
